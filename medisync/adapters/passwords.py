"""Argon2PasswordHasher: argon2id via argon2-cffi."""

from __future__ import annotations

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2PasswordHasher:
    def __init__(self, time_cost: int = 2, memory_cost_kib: int = 19456) -> None:
        # OWASP's argon2id minimum (19 MiB, t=2); tests may lower it for speed.
        self._hasher = _Argon2(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=1)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
