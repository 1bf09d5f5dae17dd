"""D70: a token whose signature verified is not verified again, but its claims still are."""

from __future__ import annotations

import uuid

import pytest
from joserfc.jwk import OKPKey

from medisync.adapters import jwt_tokens
from medisync.adapters.jwt_tokens import JoserfcTokenIssuer
from medisync.application.errors import TokenExpiredError, TokenInvalidError


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def issuer() -> JoserfcTokenIssuer:
    return JoserfcTokenIssuer(OKPKey.generate_key("Ed25519"), "medisync", "medisync-api", access_ttl_s=60)


def test_a_token_is_verified_once_and_answers_the_same_claims(issuer: JoserfcTokenIssuer,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    token, jti = issuer.issue_access(str(uuid.uuid4()))
    first = issuer.verify_access(token)
    decoded: list[str] = []
    monkeypatch.setattr(jwt_tokens.jwt, "decode", lambda *a, **k: decoded.append("again"))
    second = issuer.verify_access(token)
    assert second == first and second["jti"] == jti and decoded == []
    second["sub"] = "changed"  # each caller gets its own copy
    assert issuer.verify_access(token)["sub"] == first["sub"]


def test_a_remembered_token_still_expires(issuer: JoserfcTokenIssuer, monkeypatch: pytest.MonkeyPatch) -> None:
    token, _ = issuer.issue_access(str(uuid.uuid4()))
    claims = issuer.verify_access(token)
    monkeypatch.setattr(issuer._claims, "_now", Clock(claims["exp"] + 3600))
    with pytest.raises(TokenExpiredError):
        issuer.verify_access(token)
    with pytest.raises(TokenExpiredError):  # and is verified from scratch, still expired
        issuer.verify_access(token)


def test_a_remembered_token_is_not_valid_before_its_time(issuer: JoserfcTokenIssuer,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    token, _ = issuer.issue_access(str(uuid.uuid4()))
    claims = issuer.verify_access(token)
    monkeypatch.setattr(issuer._claims, "_now", Clock(claims["nbf"] - 3600))  # the clock was set back
    with pytest.raises(TokenInvalidError):
        issuer.verify_access(token)


def test_a_changed_byte_is_verified_and_refused(issuer: JoserfcTokenIssuer) -> None:
    token, _ = issuer.issue_access(str(uuid.uuid4()))
    issuer.verify_access(token)
    head, payload, signature = token.split(".")
    forged = ".".join((head, payload, ("A" if signature[0] != "A" else "B") + signature[1:]))
    with pytest.raises(TokenInvalidError):
        issuer.verify_access(forged)
    other = JoserfcTokenIssuer(OKPKey.generate_key("Ed25519"), "medisync", "medisync-api", access_ttl_s=60)
    with pytest.raises(TokenInvalidError):  # remembered per issuer, i.e. per key
        other.verify_access(token)


def test_the_memory_is_bounded(issuer: JoserfcTokenIssuer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jwt_tokens, "VERIFIED_CACHE_SIZE", 3)
    for _ in range(7):
        issuer.verify_access(issuer.issue_access(str(uuid.uuid4()))[0])
        assert len(issuer._verified) <= 3
