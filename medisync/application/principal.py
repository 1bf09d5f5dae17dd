"""The authenticated caller, as established from a verified JWT."""

from __future__ import annotations

from dataclasses import dataclass

from medisync.domain.actor import Actor


@dataclass(frozen=True)
class Principal:
    user_id: str
    practice_id: str
    role: str
    tier: str
    request_id: str = ""

    def actor(self) -> dict[str, str]:
        return Actor(self.user_id, self.practice_id, self.request_id).as_event_field()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_doctor(self) -> bool:
        return self.role == "doctor"
