"""JWT handling over real HTTP: every way a token can be wrong answers 401, with
an RFC 6750 challenge: ``token_expired`` (refresh) only for a genuine token past
its expiry, ``token_invalid`` (log in again) for every other refused token (D41).

Tokens are forged with joserfc and the server's own signing key
(``<data_dir>/keys/jwt-ed25519.json``). A correctly forged token is accepted
(the control), so each refusal is down to the one thing the case changes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import OKPKey

from tests.support.api import PASSWORD, Caller, assert_error, invite, register_practice
from tests.support.server import ServerProcess


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def key(server: ServerProcess) -> OKPKey:
    return OKPKey.import_key(json.loads((Path(server.data_dir) / "keys" / "jwt-ed25519.json").read_text()))


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> Caller:
    return register_practice(server.api, "jwt")


def claims_for(user_id: str, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": "medisync", "aud": "medisync-api", "sub": user_id, "iat": now, "nbf": now,
              "exp": now + 300, "jti": uuid.uuid4().hex, "typ": "access", **overrides}
    return {k: v for k, v in claims.items() if v is not None}


def signed(key: OKPKey, claims: dict[str, Any], alg: str = "Ed25519") -> str:
    return jwt.encode({"alg": alg}, claims, key, algorithms=[alg])


def me(server: ServerProcess, token: str) -> requests.Response:
    return requests.get(f"{server.api}/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)


def refused(server: ServerProcess, token: str, code: str = "token_invalid") -> None:
    response = me(server, token)
    error = assert_error(response, 401, code)
    assert response.headers["WWW-Authenticate"] == (
        f'Bearer realm="medisync", error="invalid_token", error_description="{error["message"]}"')


def test_a_correctly_forged_token_is_accepted(server: ServerProcess, key: OKPKey, admin: Caller) -> None:
    response = me(server, signed(key, claims_for(admin.id)))
    assert response.status_code == 200 and response.json()["data"]["id"] == admin.id


def test_expired_token(server: ServerProcess, key: OKPKey, admin: Caller) -> None:
    now = int(time.time())
    expired = claims_for(admin.id, iat=now - 4000, nbf=now - 4000, exp=now - 3600)
    refused(server, signed(key, expired), "token_expired")
    assert "/auth/refresh" in me(server, signed(key, expired)).json()["error"]["message"]
    # Expiry is read only after the signature is verified: a forged expired token says nothing more.
    refused(server, signed(OKPKey.generate_key("Ed25519"), expired))


def test_not_yet_valid_token(server: ServerProcess, key: OKPKey, admin: Caller) -> None:
    refused(server, signed(key, claims_for(admin.id, nbf=int(time.time()) + 3600)))


def test_bad_signature(server: ServerProcess, key: OKPKey, admin: Caller) -> None:
    refused(server, signed(OKPKey.generate_key("Ed25519"), claims_for(admin.id)))
    header, payload, signature = signed(key, claims_for(admin.id)).split(".")
    tampered = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    tampered["sub"] = str(uuid.uuid4())
    refused(server, f"{header}.{_b64(json.dumps(tampered).encode())}.{signature}")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    refused(server, f"{header}.{payload}.{flipped}")


def test_alg_none(server: ServerProcess, admin: Caller) -> None:
    body = _b64(json.dumps(claims_for(admin.id)).encode())
    for alg in ("none", "None", "NONE"):
        header = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
        refused(server, f"{header}.{body}.")
        refused(server, f"{header}.{body}")


def test_hs256_signed_with_the_public_key(server: ServerProcess, key: OKPKey, admin: Caller) -> None:
    """Algorithm confusion: an HMAC keyed with the (public) verification key."""
    public = key.as_dict(private=False)
    raw_x = base64.urlsafe_b64decode(public["x"] + "=" * (-len(public["x"]) % 4))
    pem = key.as_pem(private=False)
    for secret in (raw_x, pem, public["x"].encode(), json.dumps(public).encode()):
        for alg, digest in (("HS256", hashlib.sha256), ("HS512", hashlib.sha512)):
            signing_input = (_b64(json.dumps({"alg": alg, "typ": "JWT"}).encode()) + "."
                             + _b64(json.dumps(claims_for(admin.id)).encode()))
            mac = hmac.new(secret, signing_input.encode(), digest).digest()
            refused(server, f"{signing_input}.{_b64(mac)}")


def test_other_asymmetric_algorithms_are_refused(server: ServerProcess, admin: Caller) -> None:
    from joserfc.jwk import ECKey, RSAKey

    refused(server, signed(RSAKey.generate_key(2048), claims_for(admin.id), alg="RS256"))
    refused(server, signed(ECKey.generate_key("P-256"), claims_for(admin.id), alg="ES256"))


def test_wrong_issuer_or_audience(server: ServerProcess, key: OKPKey, admin: Caller) -> None:
    refused(server, signed(key, claims_for(admin.id, iss="someone-else")))
    refused(server, signed(key, claims_for(admin.id, aud="another-api")))
    refused(server, signed(key, claims_for(admin.id, aud=["another-api", "x"])))


def test_missing_or_wrong_claims(server: ServerProcess, key: OKPKey, admin: Caller) -> None:
    for missing in ("iss", "aud", "sub", "exp", "jti", "typ"):
        refused(server, signed(key, claims_for(admin.id, **{missing: None})))
    refused(server, signed(key, claims_for(admin.id, typ="refresh")))
    refused(server, signed(key, claims_for(str(uuid.uuid4()))))  # no such user
    refused(server, signed(key, claims_for("not-a-uuid")))


def test_malformed_authorization_headers(server: ServerProcess, key: OKPKey, admin: Caller) -> None:
    token = signed(key, claims_for(admin.id))
    for header in (token, f"Basic {token}", "Bearer", "Bearer "):  # no bearer token: no error code
        response = requests.get(f"{server.api}/auth/me", headers={"Authorization": header}, timeout=30)
        assert_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="medisync"'
    for header in (f"Bearer {token}.x", "Bearer a.b", f"Bearer {token[:-10]}", "Bearer " + "A" * 5000):
        response = requests.get(f"{server.api}/auth/me", headers={"Authorization": header}, timeout=30)
        assert_error(response, 401, "token_invalid")
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_every_401_carries_a_challenge(server: ServerProcess, admin: Caller) -> None:
    """RFC 9110 asks a challenge of every 401: failed logins and refreshes and FHIR ones too."""
    login = requests.post(f"{server.api}/auth/login", json={"email": admin.user["email"], "password": "wrong-1-x"},
                          timeout=30)
    assert_error(login, 401, "unauthorized")
    refresh = _refresh(server, "not-a-refresh-token")
    assert_error(refresh, 401, "unauthorized")
    bare = requests.get(f"{server.api}/patients", timeout=30)
    for response in (login, refresh, bare):
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="medisync"'
    fhir = requests.get(f"{server.api}/fhir/Patient/{uuid.uuid4()}", headers={"Authorization": "Bearer a.b.c"},
                        timeout=30)
    assert fhir.status_code == 401 and fhir.json()["resourceType"] == "OperationOutcome"
    assert fhir.headers["WWW-Authenticate"].startswith('Bearer realm="medisync", error="invalid_token"')


def test_token_revoked_at_logout(server: ServerProcess, admin: Caller) -> None:
    session = _login(server, admin.user["email"])
    assert me(server, session["access_token"]).status_code == 200
    out = requests.post(f"{server.api}/auth/logout", json={"refresh_token": session["refresh_token"]},
                        headers={"Authorization": f"Bearer {session['access_token']}"}, timeout=30)
    assert out.status_code == 204
    refused(server, session["access_token"])
    assert_error(_refresh(server, session["refresh_token"]), 401, "unauthorized")


def test_deactivated_users_token(server: ServerProcess, key: OKPKey, admin: Caller) -> None:
    nurse = invite(admin, "nurse", "jwt-leaver")
    fresh = signed(key, claims_for(nurse.id))  # minted before; still signed and unexpired
    assert me(server, nurse.token or "").status_code == 200
    assert admin.patch(f"/users/{nurse.id}", json={"active": False}).status_code == 200
    refused(server, nurse.token or "")
    refused(server, fresh)
    assert_error(_refresh(server, nurse.refresh_token or ""), 401, "unauthorized")


def test_reused_refresh_token_revokes_its_family(server: ServerProcess, admin: Caller) -> None:
    session = _login(server, admin.user["email"])
    first = _refresh(server, session["refresh_token"])
    assert first.status_code == 200, first.text
    rotated = first.json()["data"]
    assert_error(_refresh(server, session["refresh_token"]), 401, "unauthorized")  # the reuse
    assert_error(_refresh(server, rotated["refresh_token"]), 401, "unauthorized")  # family revoked
    other = _login(server, admin.user["email"])  # other sessions are not affected
    assert _refresh(server, other["refresh_token"]).status_code == 200


def _login(server: ServerProcess, email: str) -> dict[str, Any]:
    response = requests.post(f"{server.api}/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _refresh(server: ServerProcess, token: str) -> requests.Response:
    return requests.post(f"{server.api}/auth/refresh", json={"refresh_token": token}, timeout=30)
