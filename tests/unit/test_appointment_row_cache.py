"""The appointment row cache's rules (D78), without I/O: every change the log shows drops an older
row; a row older than what the log has shown is not kept; an erased patient's rows are dropped and
never kept again; no row is served while the listener is behind the view; a prune refuses rows read
before it. The real listener and view are in tests/integration/test_appointment_row_cache.py."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from eventsourcing.utils import get_topic

from medisync.adapters.log_follower import ProjectionProgress
from medisync.adapters.postgres.appointment_row_cache import AppointmentRowCache, CachedAppointmentReads
from medisync.adapters.postgres.cache_coherence import Written
from medisync.domain.appointment import Appointment
from medisync.domain.doctor_schedule import DoctorSchedule
from medisync.domain.patient import Patient
from medisync.interface.bootstrap import Wiring
from medisync.interface.settings import Settings
from medisync.projections.appointments import AppointmentsProjection

PATIENT = str(uuid.uuid4())


class Views:
    """The view's position as the process knows it, and as its tracking table says."""

    def __init__(self) -> None:
        self.known = 0
        self.tracked = 0


def cache_with(views: Views, **sizes: int) -> AppointmentRowCache:
    return AppointmentRowCache(lambda: views.known, lambda: views.tracked, **sizes)


def row(appointment_id: str, version: int, patient: str = PATIENT, status: str = "scheduled") -> dict[str, Any]:
    return {"id": uuid.UUID(appointment_id), "patient_id": uuid.UUID(patient), "version": version,
            "status": status}


def written(position: int, originator: str, version: int, cls: type) -> Written:
    return Written(position, uuid.UUID(originator), version, get_topic(cls))


def started(cache: AppointmentRowCache, position: int = 1) -> None:
    """The listener has read the log up to ``position`` (a record no cache rule concerns)."""
    cache.saw(written(position, str(uuid.uuid4()), 1, Patient.Registered))


def test_a_row_offered_is_served_until_the_log_shows_a_newer_version() -> None:
    views, appointment = Views(), str(uuid.uuid4())
    cache = cache_with(views)
    started(cache)
    cache.offer(row(appointment, 1), cache.ticket())
    assert cache.get(appointment) == row(appointment, 1)
    cache.saw(written(2, appointment, 2, Appointment.Rescheduled))
    assert cache.get(appointment) is None
    assert (cache.hits, cache.misses) == (1, 1)


def test_a_row_older_than_the_log_has_shown_is_served_but_not_kept() -> None:
    views, appointment = Views(), str(uuid.uuid4())
    cache = cache_with(views)
    started(cache)
    cache.saw(written(2, appointment, 2, Appointment.Cancelled))  # the view has not applied it yet
    cache.offer(row(appointment, 1), cache.ticket())
    assert cache.get(appointment) is None
    cache.offer(row(appointment, 2, status="cancelled"), cache.ticket())  # the view caught up
    assert cache.get(appointment)["status"] == "cancelled"


def test_events_the_view_does_not_show_and_unknown_topics_leave_the_row() -> None:
    views, appointment = Views(), str(uuid.uuid4())
    cache = cache_with(views)
    started(cache)
    cache.offer(row(appointment, 1), cache.ticket())
    cache.saw(written(2, appointment, 2, DoctorSchedule.Booked))
    cache.saw(written(3, PATIENT, 2, Patient.DemographicsUpdated))
    cache.saw(Written(4, uuid.UUID(appointment), 3, "medisync.domain.appointment:Appointment.Gone"))
    assert cache.get(appointment) == row(appointment, 1)
    assert cache.position == 4


def test_an_erased_patients_rows_are_dropped_and_never_kept_again() -> None:
    views, mine, other = Views(), str(uuid.uuid4()), str(uuid.uuid4())
    kept = str(uuid.uuid4())
    cache = cache_with(views)
    started(cache)
    cache.offer(row(mine, 1), cache.ticket())
    cache.offer(row(kept, 1, patient=str(uuid.uuid4())), cache.ticket())
    cache.saw(written(2, PATIENT, 5, Patient.Erased))
    assert cache.get(mine) is None
    cache.offer(row(other, 1), cache.ticket())  # read before the view deleted the patient's rows
    assert cache.get(other) is None
    assert cache.get(kept) is not None  # another patient's row stays


def test_no_row_is_served_while_the_listener_is_behind_the_view() -> None:
    views, appointment = Views(), str(uuid.uuid4())
    cache = cache_with(views)
    cache.offer(row(appointment, 1), cache.ticket())  # the listener has not started: nothing kept
    started(cache, 3)
    cache.offer(row(appointment, 1), cache.ticket())
    views.known = 4  # e.g. a consistency token waited for here: the view has passed 4
    assert cache.get(appointment) is None
    cache.saw(written(4, appointment, 2, Appointment.CheckedIn))
    assert cache.get(appointment) is None  # the row was older than what 4 showed
    cache.offer(row(appointment, 2, status="checked_in"), cache.ticket())
    assert cache.get(appointment)["status"] == "checked_in"


def test_floors_the_view_has_passed_are_forgotten_and_a_row_read_across_the_prune_is_refused() -> None:
    views = Views()
    cache = cache_with(views, max_floors=2)
    started(cache)
    ids = [str(uuid.uuid4()) for _ in range(4)]
    for position, appointment in enumerate(ids[:3], start=2):
        cache.saw(written(position, appointment, 2, Appointment.Started))
    ticket = cache.ticket()  # a read in flight
    views.tracked = 3
    cache.saw(written(1100, ids[3], 2, Appointment.Started))  # PRUNE_EVERY records on: prunes
    assert set(cache._floors) == set(ids[2:])  # noqa: SLF001 - the pruned floors are those the view passed
    cache.offer(row(ids[0], 1), ticket)
    assert cache.get(ids[0]) is None  # it may predate the forgotten floor
    cache.offer(row(ids[0], 2), cache.ticket())
    assert cache.get(ids[0]) is not None


def test_a_listener_that_starts_with_nothing_to_read_lets_rows_be_served() -> None:
    views, appointment = Views(), str(uuid.uuid4())
    cache = cache_with(views)
    assert cache.starts_after(7) == 7
    views.known = 7
    cache.offer(row(appointment, 1), cache.ticket())
    assert cache.get(appointment) is not None
    views.known = 8  # the view moved on: no hit until the listener has read that far
    assert cache.get(appointment) is None


def test_rows_past_the_limit_evict_the_oldest() -> None:
    views = Views()
    cache = cache_with(views, max_rows=2)
    started(cache)
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for appointment in ids:
        cache.offer(row(appointment, 1), cache.ticket())
    assert [cache.get(i) is not None for i in ids] == [False, True, True]


class Reads:
    def __init__(self, rows: dict[str, dict[str, Any]]) -> None:
        self.rows = rows
        self.asked = 0

    async def get_appointment(self, appointment_id: str) -> dict[str, Any] | None:
        self.asked += 1
        return self.rows.get(appointment_id)


def test_the_cached_reads_ask_the_database_once_per_row_and_never_for_a_hit() -> None:
    views, appointment = Views(), str(uuid.uuid4())
    cache = cache_with(views)
    started(cache)
    reads = Reads({appointment: row(appointment, 1)})
    cached = CachedAppointmentReads(reads, cache)  # type: ignore[arg-type]

    async def twice() -> list[Any]:
        return [await cached.get_appointment(appointment), await cached.get_appointment(appointment),
                await cached.get_appointment(str(uuid.uuid4()))]

    first, second, missing = asyncio.run(twice())
    assert first == second == row(appointment, 1) and missing is None
    assert reads.asked == 2  # the row once, the missing id (never cached) once


def test_a_listener_that_stops_following_serves_nothing_until_it_starts_again() -> None:
    """In an API-only process the view's known position moves only with consistency waits, so while the
    listener is down nothing would say a cached row is stale: the cache is suspended instead."""
    views, appointment = Views(), str(uuid.uuid4())
    cache = cache_with(views)
    started(cache)
    before = cache.ticket()
    cache.offer(row(appointment, 1), before)
    assert cache.get(appointment) is not None
    cache.suspend()  # the listener lost its connection: the appointment may be changing unseen
    assert cache.get(appointment) is None
    cache.offer(row(appointment, 1), before)  # a row read before the loss is not kept
    cache.starts_after(1)
    assert cache.get(appointment) is None
    cache.offer(row(appointment, 2), cache.ticket())
    assert cache.get(appointment) == row(appointment, 2)


def test_an_event_the_view_handles_for_another_aggregate_drops_every_row_until_the_view_passes_it(
        monkeypatch: Any) -> None:
    """A handler added later for an event that is not the appointment's own (say, a patient's rename
    copied into the rows) changes rows the cache cannot name: it fails safe (D87)."""
    monkeypatch.setitem(AppointmentsProjection.handlers, Patient.DemographicsUpdated, lambda e: [])
    views, appointment = Views(), str(uuid.uuid4())
    cache = cache_with(views)
    started(cache)
    in_flight = cache.ticket()
    cache.offer(row(appointment, 1), cache.ticket())
    cache.saw(written(2, PATIENT, 2, Patient.DemographicsUpdated))
    assert cache.get(appointment) is None
    cache.offer(row(appointment, 1), in_flight)  # read before the event
    cache.offer(row(appointment, 1), cache.ticket())  # read before the view applied it
    views.known = 2
    assert cache.get(appointment) is None
    cache.offer(row(appointment, 1), cache.ticket())  # the view has passed it: the table is current
    assert cache.get(appointment) == row(appointment, 1)


def test_erased_patients_are_bounded_and_a_forgotten_ones_rows_are_not_kept_before_the_view_passed_it() -> None:
    views, first, appointment = Views(), str(uuid.uuid4()), str(uuid.uuid4())
    cache = cache_with(views, max_erased=2)
    started(cache)
    cache.saw(written(2, first, 5, Patient.Erased))
    for position in (3, 4):
        cache.saw(written(position, str(uuid.uuid4()), 5, Patient.Erased))
    assert len(cache._erased) == 2 and first not in cache._erased  # noqa: SLF001 - the bound
    views.known = 1
    cache.offer(row(appointment, 1, patient=first), cache.ticket())  # the view may not have deleted it
    assert cache.get(appointment) is None
    views.known = 4  # the view has passed the forgotten erasure: a row it serves is not the patient's
    other = str(uuid.uuid4())
    cache.offer(row(other, 1, patient=str(uuid.uuid4())), cache.ticket())
    assert cache.get(other) is not None


def test_erased_patients_the_view_has_passed_are_pruned_with_the_floors() -> None:
    views = Views()
    cache = cache_with(views, max_erased=4)
    started(cache)
    for position in (2, 3, 4):
        cache.saw(written(position, str(uuid.uuid4()), 5, Patient.Erased))
    views.tracked = 3
    last = str(uuid.uuid4())
    cache.saw(written(1100, last, 5, Patient.Erased))  # more than half the bound: prunes
    assert len(cache._erased) == 2 and last in cache._erased  # noqa: SLF001 - 4 and 1100 kept


def test_the_live_reads_and_their_cache_are_built_once() -> None:
    wiring = Wiring(Settings(), {"database_url": "postgresql://nobody@localhost:1/none",
                                 "progress": ProjectionProgress()})
    assert wiring.live_appointment_reads is wiring.live_appointment_reads
