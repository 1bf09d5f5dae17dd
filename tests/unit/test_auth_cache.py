"""AuthCache (D53): a row older than a change already seen is never cached; the
revocation set is trusted only while its listener says it is current."""

from __future__ import annotations

from medisync.interface.http.auth_cache import AuthCache


def _row(version: int, active: bool = True) -> dict:
    return {"id": "u1", "practice_id": "p", "role": "doctor", "tier": "standard", "active": active,
            "version": version}


def test_a_row_read_before_the_change_reached_the_view_is_not_cached() -> None:
    cache = AuthCache()
    cache.offer(_row(2))
    assert cache.user("u1")["version"] == 2
    cache.changed("u1", 3)  # e.g. User.Deactivated at version 3, committed
    assert cache.user("u1") is None
    cache.offer(_row(2))  # a request that read the view before it applied version 3
    assert cache.user("u1") is None
    cache.offer(_row(3, active=False))
    assert cache.user("u1")["active"] is False


def test_revocations_are_unknown_until_loaded_and_after_the_listener_is_lost() -> None:
    cache = AuthCache()
    assert cache.revoked("j1") is None
    cache.reload_revoked([("j1", 9e12)])
    assert cache.revoked("j1") is True and cache.revoked("j2") is False
    cache.revoke("j2", 9e12)
    assert cache.revoked("j2") is True
    cache.lost_revocations()
    assert cache.revoked("j1") is None
