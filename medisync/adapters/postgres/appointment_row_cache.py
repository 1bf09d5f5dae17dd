"""``read.appointments`` rows in memory for ``GET /appointments/get/{id}`` (D78).

The row is served from this process's memory instead of a query, and is exactly
as fresh as a query would be. Three rules keep it so:

- **Every change is seen.** ``saw`` is handed every record of the log, in
  order, by the process's cache-coherence listener (``cache_coherence.py``:
  ids, versions and topics, nothing decoded), which starts no later than the
  appointments view's own position. An event the appointments projection
  handles raises that appointment's *floor* to its version and drops a cached
  row older than it; ``Patient.Erased`` drops every row of the patient and
  marks the patient erased; any other event the view handles (a handler added
  later, whose rows are not known here) drops every row and keeps none until
  the view is known to have passed it (D87). ``position`` is the last record
  seen (at first, the position the listener starts after).
- **No stale insert.** A row read from the view is kept only if its version is
  at least the floor (the view may lag the log: a row read before the view
  applied a change is served, not kept), its patient is not erased, and no
  prune ran while it was read (``ticket``).
- **No hit ahead of the listener.** ``get`` answers only while ``position`` is
  at least ``view_position()``: the view's position as this process knows it
  (its own projection's progress, or what a consistency wait here saw it pass
  in another process). So a read that waited for a token, or follows a command
  answered here, never gets a row older than the view it waited for; when the
  listener lags, reads go to the database; when it stops following (an error,
  a reconnect) the cache is suspended, its rows dropped, until it starts again.

Floors are kept until the view has passed them (``view_tracked()``, its
tracking table, read at most every ``PRUNE_EVERY`` records once there are
more than ``max_floors``); rows are evicted oldest first past ``max_rows``.
Erased patients are kept until the view has passed their erasure (pruned with
the floors) and at most ``max_erased``: the oldest forgotten past that keeps no
row until the view is known to have passed its erasure, which deleted its rows.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, NamedTuple

from eventsourcing.utils import resolve_topic

from medisync.adapters.postgres.async_reads import AsyncAppointmentReads
from medisync.adapters.postgres.cache_coherence import Written
from medisync.application.access import Scope
from medisync.application.queries.reads import AppointmentFilters, Page
from medisync.application.queries.rows import AppointmentRow
from medisync.domain.appointment import Appointment
from medisync.domain.patient import Patient
from medisync.projections.appointments import AppointmentsProjection

log = logging.getLogger(__name__)

CHANGED, ERASED, UNKNOWN = "changed", "erased", "unknown"
PRUNE_EVERY = 1000


class _Entry(NamedTuple):
    row: AppointmentRow
    patient_id: str


class _Floor(NamedTuple):
    version: int   # the newest version of the appointment the log has shown
    position: int  # the notification id of that event


def _kind(topic: str) -> str | None:
    """CHANGED for an event that changes its appointment's row, ERASED for an erasure, UNKNOWN for
    any other event the view handles (which rows it changes is not known here: fail safe, D87),
    else None."""
    try:
        cls = resolve_topic(topic)
    except Exception:  # noqa: BLE001 - a topic that does not resolve changes no view (it is parked)
        return None
    if cls is Patient.Erased:
        return ERASED
    if cls not in AppointmentsProjection.handlers:
        return None
    return CHANGED if issubclass(cls, Appointment.Event) else UNKNOWN


class AppointmentRowCache:
    def __init__(self, view_position: Callable[[], int], view_tracked: Callable[[], int],
                 max_rows: int = 50_000, max_floors: int = 50_000, max_erased: int = 10_000) -> None:
        self._view_position = view_position
        self._view_tracked = view_tracked
        self.max_rows, self.max_floors, self.max_erased = max_rows, max_floors, max_erased
        self._lock = threading.Lock()  # saw (the listener's thread) against offer (the event loop)
        self._rows: dict[str, _Entry] = {}
        self._floors: dict[str, _Floor] = {}
        self._erased: dict[str, int] = {}  # patient -> the erasure's position, oldest first
        self._hold_until = 0  # keep no offered row until the view is known to have passed this
        self._kinds: dict[str, str | None] = {}
        self._epoch = 0
        self._pruned_at = 0
        self.position: int | None = None  # the last record seen; None until the listener starts
        self.hits = 0
        self.misses = 0

    # The event loop ----------------------------------------------------------
    def get(self, appointment_id: str) -> AppointmentRow | None:
        position = self.position
        entry = (self._rows.get(appointment_id)
                 if position is not None and position >= self._view_position() else None)
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        return entry.row

    def ticket(self) -> int:
        """Taken before the query whose row is then offered."""
        return self._epoch

    def offer(self, row: AppointmentRow, ticket: int) -> None:
        key, patient = str(row["id"]), str(row["patient_id"])
        with self._lock:
            floor = self._floors.get(key)
            if (ticket != self._epoch or self.position is None or patient in self._erased
                    or (floor is not None and int(row["version"]) < floor.version)
                    or self._view_position() < self._hold_until):
                return
            if key not in self._rows and len(self._rows) >= self.max_rows:
                del self._rows[next(iter(self._rows))]  # the oldest kept
            self._rows[key] = _Entry(row, patient)

    # The coherence listener's thread ------------------------------------------
    def suspend(self) -> None:
        """The listener stopped following the log (an error, a reconnect, shutdown): nothing cached is
        kept current any more, so serve nothing until it starts again (``starts_after``)."""
        with self._lock:
            self.position = None
            self._rows.clear()
            self._epoch += 1  # a row read before now is not offered afterwards

    def starts_after(self, position: int) -> int:
        """The listener reads the log from after ``position`` (no later than the view's): rows may be
        served from now on, even before a new record arrives."""
        if self.position is None:
            self.position = position
        return position

    def saw(self, written: Written) -> None:
        """One record of the log, in log order."""
        kind = self._kinds.get(written.topic, "?")
        if kind == "?":
            kind = self._kinds[written.topic] = _kind(written.topic)
        if kind is not None:
            with self._lock:
                if kind == CHANGED:
                    self._changed(str(written.originator_id), written.originator_version, written.id)
                elif kind == ERASED:
                    self._erase(str(written.originator_id), written.id)
                else:
                    self._drop_all(written.id)
        self.position = written.id  # after the drop: a hit at this position never sees a dropped row
        crowded = len(self._floors) > self.max_floors or len(self._erased) > self.max_erased // 2
        if crowded and written.id - self._pruned_at >= PRUNE_EVERY:
            self._prune(written.id)

    def _changed(self, appointment_id: str, version: int, position: int) -> None:
        floor = self._floors.get(appointment_id)
        if floor is None or version >= floor.version:
            self._floors[appointment_id] = _Floor(version, position)
        entry = self._rows.get(appointment_id)
        if entry is not None and int(entry.row["version"]) < version:
            del self._rows[appointment_id]

    def _erase(self, patient_id: str, position: int) -> None:
        self._erased[patient_id] = position
        for key in [k for k, entry in self._rows.items() if entry.patient_id == patient_id]:
            del self._rows[key]
        while len(self._erased) > self.max_erased:  # bounded: the oldest is forgotten, and no row is
            forgotten = self._erased.pop(next(iter(self._erased)))  # kept until the view has passed
            self._hold_until = max(self._hold_until, forgotten)     # its erasure (its rows deleted)

    def _drop_all(self, position: int) -> None:
        """An event the view handles with an effect not known here: no row may be older than it."""
        self._rows.clear()
        self._epoch += 1  # a row read before now is not offered afterwards
        self._hold_until = max(self._hold_until, position)  # nor one read before the view applied it

    def _prune(self, position: int) -> None:
        """Forget the floors the view has passed: a row read after this is at least that new."""
        self._pruned_at = position
        try:
            tracked = self._view_tracked()
        except Exception as error:  # noqa: BLE001 - keep the floors; try again PRUNE_EVERY records on
            log.warning("appointment row cache: the view's position is unknown (%s)", type(error).__name__)
            return
        with self._lock:
            self._floors = {k: f for k, f in self._floors.items() if f.position > tracked}
            self._erased = {k: p for k, p in self._erased.items() if p > tracked}  # its rows are gone
            self._epoch += 1  # a row read before the prune may predate a floor (an erasure) forgotten


class CachedAppointmentReads:
    """``AsyncAppointmentReads`` with the single-row read served from ``AppointmentRowCache``;
    the page of a doctor's visits is read as before."""

    def __init__(self, reads: AsyncAppointmentReads, cache: AppointmentRowCache) -> None:
        self.reads = reads
        self.cache = cache

    async def open(self) -> None:
        await self.reads.open()

    async def close(self) -> None:
        await self.reads.close()

    async def get_appointment(self, appointment_id: str) -> AppointmentRow | None:
        row = self.cache.get(appointment_id)
        if row is not None:
            return row
        ticket = self.cache.ticket()
        row = await self.reads.get_appointment(appointment_id)
        if row is not None:
            self.cache.offer(row, ticket)
        return row

    async def list_appointments(self, scope: Scope, doctor_id: str | None, filters: AppointmentFilters,
                                page: Page) -> tuple[list[AppointmentRow], int]:
        return await self.reads.list_appointments(scope, doctor_id, filters, page)
