"""Who did something, for which practice, within which request.

Every event carries an ``actor`` dict built here. It is the audit trail's
"who": it holds ids only, never PHI.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: str
    practice_id: str
    request_id: str = ""

    def as_event_field(self) -> dict[str, str]:
        return {
            "user_id": self.user_id,
            "practice_id": self.practice_id,
            "request_id": self.request_id,
        }


SYSTEM_USER_ID = "system"


def system_actor(practice_id: str, request_id: str = "") -> Actor:
    """The actor for work done by MediSync itself (the ML worker)."""
    return Actor(SYSTEM_USER_ID, practice_id, request_id)
