"""Authentication caches in two API processes on one database (D53): a user
deactivated or a token revoked through one process is refused by the other,
which had both cached, as soon as the change reaches it (its log follower and
LISTEN/NOTIFY); no restart or expiry is needed."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import Caller, invite, register_practice
from tests.support.polling import until
from tests.support.processes import QUIET, fresh_database, server_level
from tests.support.server import ServerProcess


def test_changes_through_one_process_are_refused_by_the_other(database_url: str, tmp_path: Path) -> None:
    url = fresh_database(server_level(database_url))
    env = {**QUIET, "MEDISYNC_JWT_KEY_FILE": str(tmp_path / "jwt.json")}  # one signing key for both
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    first = ServerProcess(tmp_path / "a", url, env).start()
    second = ServerProcess(tmp_path / "b", url, env).start()
    try:
        admin = register_practice(first.api, "two-procs")
        doctor = invite(admin, "doctor", "two")
        via_second = Caller(second.api, doctor.token, doctor.user, doctor.refresh_token)
        admin_second = Caller(second.api, admin.token, admin.user, admin.refresh_token)
        for caller in (via_second, admin_second):
            assert until(lambda c=caller: _status(c) == 200, "the second process to know the user")
        assert _status(via_second) == 200  # cached there now
        assert admin.patch(f"/users/{doctor.id}", json={"active": False}).status_code == 200
        until(lambda: _status(via_second) == 401, "the second process to refuse the deactivated user")
        assert admin.post("/auth/logout", json={}).status_code == 204
        until(lambda: _status(admin_second) == 401, "the second process to refuse the revoked token")
        assert _status(admin_second) == 401
    finally:
        first.stop()
        second.stop()


def _status(caller: Caller) -> int:
    return caller.get("/auth/me").status_code
