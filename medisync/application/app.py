"""The event-sourced application: one event store for all clinical aggregates.

One application (one notification log) rather than one per aggregate: the
relay, the projections and the audit chain then follow a single, totally
ordered log, and multi-aggregate commands (booking an appointment on a
doctor's schedule) commit atomically.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator, TypeVar, overload
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Mapper, Transcoder
from eventsourcing.utils import strtobool

from medisync.application import preconditions
from medisync.application.repository import CopyOnWriteRepository, fresh_reads
from medisync.domain.errors import NotFoundError

T = TypeVar("T")
A = TypeVar("A", bound=Aggregate)

MAX_CONFLICT_RETRIES = 20

# The events committed by the command running in this thread, when the
# interface asked for them (``saved_events``): read-your-writes then waits only
# for the projections that handle them (D52), and the authentication cache
# drops the users they change (D53).
_saved: ContextVar[list[Any] | None] = ContextVar("saved_events", default=None)


@contextmanager
def saved_events() -> Iterator[list[Any]]:
    """Collect the domain events committed inside the block (this thread only)."""
    collected: list[Any] = []
    token = _saved.set(collected)
    try:
        yield collected
    finally:
        _saved.reset(token)


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

    def construct_repository(self) -> Repository[UUID]:
        # Cached aggregates are replaced, never changed in place (D30).
        size = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return CopyOnWriteRepository(
            event_store=self.events, snapshot_store=self.snapshots,
            cache_maxsize=int(size) if size else None,
            fastforward=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            fastforward_skipping=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD_SKIPPING, "n")),
            deepcopy_from_cache=strtobool(self.env.get(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")))

    @overload
    def load(self, aggregate_id: UUID | str, what: str) -> Aggregate: ...

    @overload
    def load(self, aggregate_id: UUID | str, what: str, kind: type[A]) -> A: ...

    def load(self, aggregate_id: UUID | str, what: str, kind: type[Aggregate] | None = None) -> Aggregate:
        """The aggregate, or NotFoundError if it is missing or of another kind."""
        try:
            aggregate: Aggregate = self.repository.get(UUID(str(aggregate_id)))
        except (AggregateNotFoundError, ValueError):
            raise NotFoundError(f"{what} not found") from None
        if kind is not None and not isinstance(aggregate, kind):
            raise NotFoundError(f"{what} not found")
        if self.patient_erased(getattr(aggregate, "patient_id", None)):
            # Crypto-shredding keeps the erased patient's appointments, notes,
            # recordings and documents in the log, but nothing new may be
            # recorded about them: to every command they are gone, like the patient.
            raise NotFoundError(f"{what} not found")
        preconditions.note_loaded(aggregate)
        return aggregate

    def find(self, aggregate_id: UUID | str, what: str, kind: type[A]) -> A | None:
        """The aggregate, or None if none was ever saved: one read, where ``exists`` then
        ``load`` took two (D56).

        Unlike ``load`` it does not ask again whether the patient is erased: use it
        only for an aggregate of a patient this command has already loaded something
        of through ``load`` (which refuses an erased patient)."""
        try:
            aggregate: Aggregate = self.repository.get(UUID(str(aggregate_id)))
        except AggregateNotFoundError:
            return None
        if not isinstance(aggregate, kind):
            raise NotFoundError(f"{what} not found")
        preconditions.note_loaded(aggregate)
        return aggregate

    def patient_erased(self, patient_id: str | None) -> bool:
        if not patient_id:
            return False
        try:
            # Read only, so the cached patient need not be copied.
            patient: Aggregate = self.repository.get(UUID(str(patient_id)), deepcopy_from_cache=False)
        except (AggregateNotFoundError, ValueError):
            return False
        return bool(getattr(patient, "erased", False))

    def forget_cached(self, patient_id: str) -> int:
        """Drop the patient and their aggregates (decrypted PHI) from this process's cache.

        Returns how many were dropped. The erasing process calls it at once;
        every other serving process does when it sees ``Patient.Erased``
        (``interface/bootstrap.erasure_evictor``).
        """
        cache = self.repository.cache
        if cache is None:
            return 0
        # eventsourcing's Cache keeps its entries in ``cache``; snapshot the keys,
        # since other threads keep loading and evicting while we look.
        return sum(_evict_if_about(cache, key, patient_id) for key in list(cache.cache))

    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self.repository

    def commit(self, *aggregates: Aggregate | None) -> int | None:
        """Save the aggregates atomically; return the last notification id."""
        preconditions.check_saving(aggregates)
        # eventsourcing calls what save() returns a "Recording" (domain event + notification);
        # named for what it is here, so it is not taken for our Recording aggregate.
        stored_events = self.save(*aggregates)
        for aggregate in aggregates:
            if aggregate is not None:
                self.repository.remember(aggregate)  # type: ignore[attr-defined]
        collected = _saved.get()
        if collected is not None:
            collected.extend(stored.domain_event for stored in stored_events)
        return stored_events[-1].notification.id if stored_events else None


def _evict_if_about(cache: Any, key: UUID, patient_id: str) -> bool:
    try:
        aggregate = cache.get(key)
        if patient_id not in (str(aggregate.id), str(getattr(aggregate, "patient_id", ""))):
            return False
        cache.get(key, evict=True)
        return True
    except KeyError:  # evicted meanwhile by another thread
        return False


def retry_on_conflict(command: Callable[[], T]) -> T:
    """Re-run a load-decide-save command when another writer won the race.

    The event store's (originator_id, version) constraint turns concurrent
    writes to one aggregate into an IntegrityError; re-running the command
    re-reads the fresh state, so the domain rule decides again.
    """
    try:
        return command()
    except IntegrityError:
        pass
    with fresh_reads():  # another writer won: read past any cached state (D54)
        for _ in range(MAX_CONFLICT_RETRIES - 2):
            try:
                return command()
            except IntegrityError:
                continue
        return command()
