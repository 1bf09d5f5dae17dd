"""Who did something, for which practice, within which request.

Every event carries an ``actor`` field of this one type (D63): the audit
trail's "who". It holds ids only, never PHI. It is a ``TypedDict``, so the
stored events keep their JSON shape (``{user_id, practice_id, request_id}``);
the principal, the ML worker and the system's own jobs all build it here.
"""

from __future__ import annotations

from typing import TypedDict


class Actor(TypedDict):
    user_id: str
    practice_id: str
    request_id: str


SYSTEM_USER_ID = "system"


def actor(user_id: str, practice_id: str, request_id: str = "") -> Actor:
    return {"user_id": user_id, "practice_id": practice_id, "request_id": request_id}


def system_actor(practice_id: str, request_id: str = "") -> Actor:
    """The actor for work done by MediSync itself (the ML worker, retention)."""
    return actor(SYSTEM_USER_ID, practice_id, request_id)
