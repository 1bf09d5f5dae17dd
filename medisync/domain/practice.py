"""Practice: the tenant. Every other aggregate belongs to exactly one."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from medisync.domain.actor import Actor


class Practice(Aggregate):
    @staticmethod
    def create_id(practice_id: str, **_: object) -> UUID:
        # Chosen by the caller, so the founding admin's events can name it.
        return UUID(practice_id)

    class Registered(Aggregate.Created):
        practice_id: str
        name: str
        actor: Actor

    @event(Registered)
    def __init__(self, practice_id: str, name: str, actor: Actor) -> None:
        self.name = name
