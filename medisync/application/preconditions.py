"""Optimistic concurrency for commands: the version the caller expects (HTTP ``If-Match``).

The interface declares, around one command, which aggregate the caller has
seen and at which version(s). ``MediSyncApplication.load`` notes the version
it read *from the event store*; ``MediSyncApplication.commit`` refuses to save
that aggregate when the noted version is not an expected one. The check sits
inside the command's load-decide-save loop: when two writers race with the
same expectation, the loser's save collides on the store's version
constraint, ``retry_on_conflict`` re-runs it, the reload notes the winner's
version and the loser is refused (412) instead of silently overwriting.

Checking at save time (not at load) lets the command's own tenant and role
checks answer first, so another practice still gets 404, never 412.

A context variable rather than a parameter on every command keeps the check
in one place for every aggregate kind. The interface sets it in the worker
thread that runs the command, so it never leaks across requests.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterable, Iterator
from uuid import UUID

from medisync.domain.errors import DomainError


class PreconditionFailedError(DomainError):
    """The aggregate is not at the version the caller expected (412)."""

    code = "precondition_failed"


@dataclass
class Expectation:
    aggregate_id: UUID
    versions: frozenset[int]
    loaded_version: int | None = None
    checked: bool = False


_EXPECTED: ContextVar[Expectation | None] = ContextVar("expected_version", default=None)


@contextmanager
def expecting(aggregate_id: UUID | str, versions: frozenset[int]) -> Iterator[Expectation]:
    """Within the block, saving ``aggregate_id`` from another version is refused."""
    expectation = Expectation(UUID(str(aggregate_id)), versions)
    token = _EXPECTED.set(expectation)
    try:
        yield expectation
    finally:
        _EXPECTED.reset(token)


def note_loaded(aggregate: Any) -> None:
    expectation = _EXPECTED.get()
    if expectation is not None and aggregate.id == expectation.aggregate_id:
        expectation.loaded_version = aggregate.version


def check_saving(aggregates: Iterable[Any]) -> None:
    expectation = _EXPECTED.get()
    if expectation is None:
        return
    for aggregate in aggregates:
        if aggregate.id != expectation.aggregate_id:
            continue
        expectation.checked = True
        if expectation.loaded_version is None:
            raise PreconditionFailedError("the resource did not exist when you read it")
        if expectation.loaded_version not in expectation.versions:
            raise PreconditionFailedError("the resource has changed since you read it",
                                          current_version=expectation.loaded_version)
