"""The event-sourced application: one event store for all clinical aggregates.

One application (one notification log) rather than one per aggregate: the
relay, the projections and the audit chain then follow a single, totally
ordered log, and multi-aggregate commands (booking an appointment on a
doctor's schedule) commit atomically.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, Mapper, Transcoder

from medisync.application import preconditions
from medisync.domain.errors import NotFoundError

T = TypeVar("T")

MAX_CONFLICT_RETRIES = 20


class MediSyncApplication(Application[UUID]):
    name = "medisync"

    def __init__(self, env: dict[str, str] | None = None,
                 mapper_factory: Callable[[Transcoder], Mapper[UUID]] | None = None) -> None:
        # The composition root passes a mapper that encrypts PHI per patient;
        # unit tests run without one (in-memory store, plaintext).
        self._mapper_factory = mapper_factory
        super().__init__(env)

    def construct_mapper(self) -> Mapper[UUID]:
        if self._mapper_factory is None:
            return super().construct_mapper()
        return self._mapper_factory(self.construct_transcoder())

    def load(self, aggregate_id: UUID | str, what: str, kind: type | None = None) -> Any:
        """The aggregate, or NotFoundError if it is missing or of another kind."""
        try:
            aggregate = self.repository.get(UUID(str(aggregate_id)))
        except (AggregateNotFoundError, ValueError):
            raise NotFoundError(f"{what} not found") from None
        if kind is not None and not isinstance(aggregate, kind):
            raise NotFoundError(f"{what} not found")
        preconditions.note_loaded(aggregate)
        return aggregate

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.repository

    def commit(self, *aggregates: Any) -> int | None:
        """Save the aggregates atomically; return the last notification id."""
        preconditions.check_saving(aggregates)
        recordings = self.save(*aggregates)
        return recordings[-1].notification.id if recordings else None


def retry_on_conflict(command: Callable[[], T]) -> T:
    """Re-run a load-decide-save command when another writer won the race.

    The event store's (originator_id, version) constraint turns concurrent
    writes to one aggregate into an IntegrityError; re-running the command
    re-reads the fresh state, so the domain rule decides again.
    """
    for _ in range(MAX_CONFLICT_RETRIES - 1):
        try:
            return command()
        except IntegrityError:
            continue
    return command()
