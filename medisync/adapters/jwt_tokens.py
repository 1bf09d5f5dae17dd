"""JoserfcTokenIssuer: Ed25519-signed access JWTs (joserfc, authlib's successor).

Only the one asymmetric algorithm is accepted, which rules out ``alg: none``
and HS/RS confusion by construction. joserfc's ``decode`` checks only the
signature, so the claims (exp, iat, iss, aud, typ) are validated explicitly.

A token whose signature verified is remembered by its exact text (D70): the
same bytes under the same key verify the same way every time, so a client that
sends its token again pays for the claims check (expiry, not-before) but not
for Ed25519 again. Revocation is not decided here (D53).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import OKPKey
from joserfc.jwt import JWTClaimsRegistry

from medisync.application.errors import TokenExpiredError, TokenInvalidError

ALGORITHM = "Ed25519"
VERIFIED_CACHE_SIZE = 4096  # tokens; about 1 MB
TIME_CLAIMS = frozenset({"exp", "nbf", "iat"})


def load_or_create_key(path: str) -> OKPKey:
    """The signing key, created once per data directory (mode 0600)."""
    key_file = Path(path)
    if key_file.exists():
        return OKPKey.import_key(json.loads(key_file.read_text()))
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = OKPKey.generate_key("Ed25519")
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(key.as_dict(private=True)))
    return key


class JoserfcTokenIssuer:
    def __init__(self, key: OKPKey, issuer: str, audience: str, access_ttl_s: int) -> None:
        self.key = key
        self.issuer = issuer
        self.audience = audience
        self.access_ttl_s = access_ttl_s
        self._claims = JWTClaimsRegistry(
            leeway=5,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            sub={"essential": True},
            exp={"essential": True},
            jti={"essential": True},
            typ={"essential": True, "value": "access"},
        )
        self._verified: dict[str, dict[str, Any]] = {}  # token text -> its signed claims (D70)

    def issue_access(self, user_id: str) -> tuple[str, str]:
        now = int(time.time())
        jti = uuid.uuid4().hex
        claims = {"iss": self.issuer, "aud": self.audience, "sub": user_id, "iat": now,
                  "nbf": now, "exp": now + self.access_ttl_s, "jti": jti, "typ": "access"}
        token = jwt.encode({"alg": ALGORITHM}, claims, self.key, algorithms=[ALGORITHM])
        return token, jti

    def verify_access(self, token: str) -> dict[str, Any]:
        claims = self._verified.get(token)
        try:
            if claims is None:
                claims = dict(jwt.decode(token, self.key, algorithms=[ALGORITHM]).claims)  # the signature first
                self._claims.validate(claims)
                self._remember(token, claims)
            else:  # the rest was checked with the signature; these move with the clock
                for name in TIME_CLAIMS.intersection(claims):
                    getattr(self._claims, f"validate_{name}")(claims[name])
        except ExpiredTokenError as error:  # only a token we signed gets this far: nothing leaks
            self._verified.pop(token, None)
            raise TokenExpiredError() from error
        except (JoseError, ValueError, TypeError) as error:
            raise TokenInvalidError() from error
        return dict(claims)

    def _remember(self, token: str, claims: dict[str, Any]) -> None:
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            self._verified.clear()  # rare: more live tokens than that re-verify once each
        self._verified[token] = claims
