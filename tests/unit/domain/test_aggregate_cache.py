"""The aggregate cache under the API's thread pool (issue 15, finding 2; D30).

A cached aggregate used to be fast-forwarded in place while another thread
deep-copied it: ``RuntimeError: dictionary changed size during iteration``.
A cache entry must never change once stored."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest

from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.domain.doctor_schedule import DoctorSchedule
from tests.support.in_memory import member, patient_of


@pytest.fixture
def app() -> Iterator[MediSyncApplication]:
    application = MediSyncApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo",
                                           "AGGREGATE_CACHE_MAXSIZE": "100",
                                           "AGGREGATE_CACHE_FASTFORWARD": "y"})
    yield application
    application.close()


def _slot(n: int) -> str:
    start = datetime(2027, 3, 1, 8, tzinfo=timezone.utc) + timedelta(minutes=30 * n)
    return start.isoformat()


def test_a_cached_aggregate_is_replaced_not_changed_in_place(app: MediSyncApplication) -> None:
    nurse, doctor = member(app, "nurse"), member(app, "doctor")
    service, patient_id = AppointmentService(app), patient_of(app, nurse)
    service.schedule(nurse, patient_id, doctor.user_id, _slot(0), 30, "follow_up", "first")
    schedule_id = DoctorSchedule.create_id(doctor.user_id)
    app.repository.get(schedule_id)
    assert app.repository.cache is not None
    cached = app.repository.cache.get(schedule_id)
    version, bookings = cached.version, dict(cached.bookings)

    service.schedule(nurse, patient_id, doctor.user_id, _slot(1), 30, "follow_up", "second")
    loaded = app.repository.get(schedule_id)

    assert len(loaded.bookings) == 2  # the load sees the new booking...
    assert (cached.version, cached.bookings) == (version, bookings)  # ...the old entry never changed
    assert app.repository.cache.get(schedule_id) is not cached
    assert app.repository.cache.get(schedule_id).version == loaded.version


def test_concurrent_bookings_for_one_doctor_never_fail_on_the_cache(app: MediSyncApplication) -> None:
    nurse, doctor = member(app, "nurse"), member(app, "doctor")
    service, patient_id = AppointmentService(app), patient_of(app, nurse)
    schedule_id = DoctorSchedule.create_id(doctor.user_id)
    service.schedule(nurse, patient_id, doctor.user_id, _slot(0), 30, "follow_up", "seed")

    def book(n: int) -> str:
        return service.schedule(nurse, patient_id, doctor.user_id, _slot(n), 30, "follow_up", "x").id

    def read(_: int) -> int:
        return len(app.repository.get(schedule_id).bookings)

    with ThreadPoolExecutor(16) as pool:
        booked = pool.map(book, range(1, 201))
        reads = pool.map(read, range(400))
        booked_ids, counts = list(booked), list(reads)
    assert len(set(booked_ids)) == 200
    assert all(1 <= c <= 201 for c in counts)
    assert len(app.repository.get(schedule_id).bookings) == 201
