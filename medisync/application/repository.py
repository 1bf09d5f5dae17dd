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

import threading
from collections import OrderedDict
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from copy import deepcopy
from typing import Any, Iterator
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository, project_aggregate


# Set around a command's re-run after a version conflict: its loads must ask
# the store for newer events even when the cache is trusted (D54).
_fresh: ContextVar[bool] = ContextVar("fresh_reads", default=False)


@contextmanager
def fresh_reads() -> Iterator[None]:
    token = _fresh.set(True)
    try:
        yield
    finally:
        _fresh.reset(token)


class CopyOnWriteRepository(Repository[UUID]):
    # True while something keeps the cache current with every write, from any
    # process (``adapters/postgres/cache_coherence.py``): a load then skips the
    # fast-forward query, and a stale entry is caught by the version
    # constraint at commit, whose retry reads fresh (D54).
    trusted = False
    # The newest version seen in the log for recently written aggregates: an
    # aggregate read from the store just before a newer write is not cached
    # after that write's eviction (it would never be evicted again).
    FLOORS = 10_000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._floors: OrderedDict[UUID, int] = OrderedDict()
        self._coherence = threading.Lock()

    def get(self, aggregate_id: UUID, *, version: int | None = None,  # type: ignore[override]
            projector_func: Any = project_aggregate, fastforward_skipping: bool = False,
            deepcopy_from_cache: bool = True) -> Any:
        if self.cache is None or version is not None:
            return super().get(aggregate_id, version=version, projector_func=projector_func)
        try:
            cached = self.cache.get(aggregate_id)
        except KeyError:
            cached = self._reconstruct_aggregate(aggregate_id, None, projector_func)
            self._replace(aggregate_id, cached)
        else:
            if self.fastforward and (not self.trusted or _fresh.get()):
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
        """Cache ``fresh`` unless a newer version is cached, or known written, meanwhile."""
        assert self.cache is not None
        with self._coherence:
            if fresh.version < self._floors.get(aggregate_id, 0):
                return
            try:
                current = self.cache.get(aggregate_id)
            except KeyError:
                current = None
            if current is None or current.version < fresh.version:
                self.cache.put(aggregate_id, fresh)

    def remember(self, aggregate: Any) -> None:
        """A just-saved aggregate: a copy becomes the cache entry, while the cache is trusted."""
        if self.cache is not None and self.trusted:
            self._replace(aggregate.id, deepcopy(aggregate))

    def forget_stale(self, aggregate_id: UUID, version: int) -> None:
        """A write seen in the log: drop the entry if it is older, and remember the version."""
        assert self.cache is not None
        with self._coherence:
            self._floors[aggregate_id] = max(version, self._floors.pop(aggregate_id, 0))
            if len(self._floors) > self.FLOORS:
                self._floors.popitem(last=False)
            try:
                cached = self.cache.get(aggregate_id)
            except KeyError:
                return
            if cached.version < version:
                self.cache.get(aggregate_id, evict=True)

    def clear_cache(self) -> None:
        """Empty the cache (eventsourcing's LRU cache keeps a linked list beside its dict)."""
        cache: Any = self.cache
        if cache is None:
            return
        with getattr(cache, "lock", None) or nullcontext():
            cache.cache.clear()
            if hasattr(cache, "root"):
                cache.clear()
                cache.full = False
