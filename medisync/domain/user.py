"""User: a member of one practice's staff, with a role and a tier."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from medisync.domain.actor import Actor
from medisync.domain.errors import InvalidTransitionError, ValidationError

ROLES = ("admin", "doctor", "nurse", "auditor")
TIERS = ("standard", "premium")


def require_choice(value: str, choices: tuple[str, ...], field: str) -> None:
    if value not in choices:
        raise ValidationError(f"{field} must be one of {', '.join(choices)}", field=field)


class User(Aggregate):
    @staticmethod
    def create_id(user_id: str, **_: object) -> UUID:
        # Chosen by the caller, so the Registered event's actor is the user itself.
        return UUID(user_id)

    class Registered(Aggregate.Created):
        user_id: str
        practice_id: str
        email: str
        full_name: str
        password_hash: str
        role: str
        tier: str
        actor: Actor

    @event(Registered)
    def __init__(
        self,
        user_id: str,
        practice_id: str,
        email: str,
        full_name: str,
        password_hash: str,
        role: str,
        tier: str,
        actor: Actor,
    ) -> None:
        self.practice_id = practice_id
        self.email = email
        self.full_name = full_name
        self.password_hash = password_hash
        self.role = role
        self.tier = tier
        self.active = True

    @classmethod
    def register(cls, user_id: str, practice_id: str, email: str, full_name: str, password_hash: str,
                 role: str, tier: str, actor: Actor) -> "User":
        require_choice(role, ROLES, "role")
        require_choice(tier, TIERS, "tier")
        return cls(user_id=user_id, practice_id=practice_id, email=email, full_name=full_name,
                   password_hash=password_hash, role=role, tier=tier, actor=actor)

    def change_password(self, password_hash: str, actor: Actor) -> None:
        self._require_active()
        self._change_password(password_hash=password_hash, actor=actor)

    class PasswordChanged(Aggregate.Event):
        password_hash: str
        actor: Actor

    @event(PasswordChanged)
    def _change_password(self, password_hash: str, actor: Actor) -> None:
        self.password_hash = password_hash

    def change_role(self, role: str, actor: Actor) -> None:
        self._require_active()
        require_choice(role, ROLES, "role")
        self._change_role(role=role, actor=actor)

    class RoleChanged(Aggregate.Event):
        role: str
        actor: Actor

    @event(RoleChanged)
    def _change_role(self, role: str, actor: Actor) -> None:
        self.role = role

    def change_tier(self, tier: str, actor: Actor) -> None:
        self._require_active()
        require_choice(tier, TIERS, "tier")
        self._change_tier(tier=tier, actor=actor)

    class TierChanged(Aggregate.Event):
        tier: str
        actor: Actor

    @event(TierChanged)
    def _change_tier(self, tier: str, actor: Actor) -> None:
        self.tier = tier

    def deactivate(self, actor: Actor) -> None:
        self._require_active()
        self._deactivate(actor=actor)

    class Deactivated(Aggregate.Event):
        actor: Actor

    @event(Deactivated)
    def _deactivate(self, actor: Actor) -> None:
        self.active = False

    def _require_active(self) -> None:
        if not self.active:
            raise InvalidTransitionError("user is deactivated")
