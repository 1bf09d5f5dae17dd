"""Authentication from memory (D53): what a request is allowed follows a change
to the user or a revocation at once, although role, tier, active and the
revoked tokens are no longer read from the database on every request."""

from __future__ import annotations

import requests

from tests.support.api import PASSWORD, Caller, assert_error, invite, register_practice


def test_a_deactivated_user_is_refused_on_the_very_next_request(api: str) -> None:
    admin = register_practice(api, "cache-deact")
    doctor = invite(admin, "doctor", "cached")
    for _ in range(3):  # authenticated from the cache by now
        assert doctor.get("/auth/me").status_code == 200
    changed = admin.patch(f"/users/{doctor.id}", json={"active": False})
    assert changed.status_code == 200, changed.text
    assert_error(doctor.get("/auth/me"), 401)
    assert_error(doctor.get("/appointments/doctors"), 401)


def test_a_role_change_applies_on_the_very_next_request(api: str) -> None:
    admin = register_practice(api, "cache-role")
    second = invite(admin, "admin", "second")
    assert second.get("/users").status_code == 200  # admins list users; now cached as admin
    changed = admin.patch(f"/users/{second.id}", json={"role": "nurse"})
    assert changed.status_code == 200, changed.text
    assert_error(second.get("/users"), 403)
    assert second.get("/auth/me").json()["data"]["role"] == "nurse"


def test_a_token_revoked_by_logout_is_refused_at_once(api: str) -> None:
    admin = register_practice(api, "cache-logout")
    assert admin.get("/auth/me").status_code == 200
    other = _login(api, admin.user["email"])  # a second session of the same user stays valid
    assert other.get("/auth/me").status_code == 200
    out = admin.post("/auth/logout", json={"refresh_token": admin.refresh_token})
    assert out.status_code == 204, out.text
    assert_error(admin.get("/auth/me"), 401)
    assert other.get("/auth/me").status_code == 200


def _login(api: str, email: str) -> Caller:
    response = requests.post(f"{api}/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    return Caller(api, data["access_token"], {"email": email}, data["refresh_token"])
