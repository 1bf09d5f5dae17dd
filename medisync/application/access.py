"""Tenant and role rules, shared by commands and queries.

Rows from another practice are reported as *not found*, never forbidden, so
their existence does not leak. Role refusals inside one's own practice are
forbidden (403).
"""

from __future__ import annotations

from typing import Any, Mapping

from medisync.application.principal import Principal
from medisync.domain.errors import ForbiddenError, NotFoundError

CLINICAL_STAFF = ("admin", "doctor", "nurse")
SCHEDULERS = ("admin", "nurse", "doctor")
NOTE_WRITERS = ("admin", "doctor")


def require_role(principal: Principal, roles: tuple[str, ...], action: str) -> None:
    if principal.role not in roles:
        raise ForbiddenError(f"your role may not {action}", required_roles=list(roles))


def require_tier(principal: Principal, tier: str, feature: str) -> None:
    if tier == "premium" and principal.tier != "premium":
        raise ForbiddenError(f"subscription required: {feature} is a premium feature",
                             required_tier="premium")


def require_same_practice(principal: Principal, row: Mapping[str, Any] | None, what: str) -> Mapping[str, Any]:
    if row is None or str(row["practice_id"]) != principal.practice_id:
        raise NotFoundError(f"{what} not found")
    return row


def require_doctor_owns(principal: Principal, doctor_id: str, what: str) -> None:
    """A doctor works only on their own appointments; others' answer 404."""
    if principal.is_doctor and doctor_id != principal.user_id:
        raise NotFoundError(f"{what} not found")
