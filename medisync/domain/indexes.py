"""Index aggregates: one per natural key, so uniqueness is enforced by the
event store's version constraint rather than by a racy read-model lookup."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from medisync.domain.actor import Actor
from medisync.domain.errors import ConflictError
from medisync.domain.ids import derived_id


class EmailIndex(Aggregate):
    """Email addresses are unique across the whole system."""

    @staticmethod
    def create_id(email: str, **_: object) -> UUID:
        return derived_id("email", email.strip().lower())

    class Claimed(Aggregate.Created):
        email: str
        user_id: str

    @event(Claimed)
    def __init__(self, email: str, user_id: str) -> None:
        self.user_id = user_id


class MrnIndex(Aggregate):
    """MRNs are unique within one practice. The MRN itself is not stored here:
    the id is a hash of it, so this stream carries no PHI."""

    @staticmethod
    def create_id(practice_id: str, mrn_key: str, **_: object) -> UUID:
        return derived_id("mrn", practice_id, mrn_key)

    class Claimed(Aggregate.Created):
        practice_id: str
        mrn_key: str
        patient_id: str

    @event(Claimed)
    def __init__(self, practice_id: str, mrn_key: str, patient_id: str) -> None:
        self.patient_id = patient_id


class InvitationIndex(Aggregate):
    """An admin's invitation, found by the hash of its secret token."""

    @staticmethod
    def create_id(token_hash: str, **_: object) -> UUID:
        return derived_id("invitation", token_hash)

    class Issued(Aggregate.Created):
        token_hash: str
        practice_id: str
        email: str
        role: str
        tier: str
        actor: Actor

    @event(Issued)
    def __init__(
        self, token_hash: str, practice_id: str, email: str, role: str, tier: str,
        actor: Actor,
    ) -> None:
        self.practice_id = practice_id
        self.email = email
        self.role = role
        self.tier = tier
        self.accepted_by: str | None = None

    def accept(self, user_id: str) -> None:
        if self.accepted_by is not None:
            raise ConflictError("invitation already used")
        self._accept(user_id=user_id)

    class Accepted(Aggregate.Event):
        user_id: str

    @event(Accepted)
    def _accept(self, user_id: str) -> None:
        self.accepted_by = user_id
