"""A repository whose cached aggregates are never changed in place (D30).

eventsourcing's ``Repository`` fast-forwards a cached aggregate by applying
newer events to the cached object itself, under a per-aggregate lock, and
then deep-copies it for the caller outside that lock. With the API's thread
pool, one thread could deep-copy a doctor's schedule while another was
adding a booking to the very same object: ``RuntimeError: dictionary changed
size during iteration``, a 500.

Here a cache entry is immutable once stored: fast-forwarding applies the
newer events to a private copy, which then replaces the entry. A reader
copying (or, like the erased-patient guard, only reading) an entry can never
see it change under it.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository, project_aggregate


class CopyOnWriteRepository(Repository[UUID]):
    def get(self, aggregate_id: UUID, *, version: int | None = None,  # type: ignore[override]
            projector_func: Any = project_aggregate, fastforward_skipping: bool = False,
            deepcopy_from_cache: bool = True) -> Any:
        if self.cache is None or version is not None:
            return super().get(aggregate_id, version=version, projector_func=projector_func)
        try:
            cached = self.cache.get(aggregate_id)
        except KeyError:
            cached = self._reconstruct_aggregate(aggregate_id, None, projector_func)
            self.cache.put(aggregate_id, cached)
        else:
            if self.fastforward:
                cached = self._fastforwarded(aggregate_id, cached, projector_func)
        if deepcopy_from_cache and self.deepcopy_from_cache:
            return deepcopy(cached)
        return cached

    def _fastforwarded(self, aggregate_id: UUID, cached: Any, projector_func: Any) -> Any:
        """The cached aggregate with any newer stored events applied, to a copy."""
        newer = list(self.event_store.get(originator_id=aggregate_id, gt=cached.version))
        if not newer:
            return cached
        fresh = projector_func(deepcopy(cached), newer)
        if fresh is None:  # discarded meanwhile
            raise AggregateNotFoundError(aggregate_id)
        self._replace(aggregate_id, fresh)
        return fresh

    def _replace(self, aggregate_id: UUID, fresh: Any) -> None:
        """Cache ``fresh`` unless another thread has cached a newer version meanwhile."""
        assert self.cache is not None
        try:
            current = self.cache.get(aggregate_id)
        except KeyError:
            current = None
        if current is None or current.version < fresh.version:
            self.cache.put(aggregate_id, fresh)
