"""The authenticated caller, as established from a verified JWT."""

from __future__ import annotations

from dataclasses import dataclass

from medisync.domain.actor import Actor, actor as actor_of


@dataclass(frozen=True)
class Principal:
    user_id: str
    practice_id: str
    role: str
    tier: str
    request_id: str = ""

    def actor(self) -> Actor:
        return actor_of(self.user_id, self.practice_id, self.request_id)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_doctor(self) -> bool:
        return self.role == "doctor"
