"""A trusted aggregate cache (D54): a load skips the fast-forward query, and a
command that decided on a stale entry collides on the version constraint and
is re-run on fresh state, so no rule is decided on stale state twice."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator
from uuid import UUID

import pytest

from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.repository import fresh_reads
from medisync.domain.doctor_schedule import DoctorSchedule
from medisync.domain.errors import ConflictError
from tests.support.in_memory import member, patient_of

NINE = datetime(2027, 3, 1, 9, tzinfo=timezone.utc).isoformat()
HALF_NINE = datetime(2027, 3, 1, 9, 30, tzinfo=timezone.utc).isoformat()


@pytest.fixture
def app() -> Iterator[MediSyncApplication]:
    application = MediSyncApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo",
                                           "AGGREGATE_CACHE_MAXSIZE": "100",
                                           "AGGREGATE_CACHE_FASTFORWARD": "y"})
    application.repository.trusted = True  # as while CacheCoherence runs
    yield application
    application.close()


def _book_behind_the_cache(app: MediSyncApplication, doctor_id: str, start: str) -> None:
    """Another process's booking: in the store, not in this process's cache."""
    with fresh_reads():
        schedule = app.repository.get(DoctorSchedule.create_id(doctor_id))
    at = datetime.fromisoformat(start).timestamp()
    schedule.book(appointment_id="elsewhere", starts_at=at, ends_at=at + 1800)
    app.save(schedule)  # save, not commit: the cache is not told


def test_a_trusted_load_answers_from_the_cache_and_a_fresh_one_from_the_store(app: MediSyncApplication) -> None:
    nurse, doctor = member(app, "nurse"), member(app, "doctor")
    service, patient_id = AppointmentService(app), patient_of(app, nurse)
    service.schedule(nurse, patient_id, doctor.user_id, NINE, 30, "follow_up", "first")
    schedule_id = DoctorSchedule.create_id(doctor.user_id)
    cached_version = app.repository.get(schedule_id).version  # the commit left it in the cache
    _book_behind_the_cache(app, doctor.user_id, "2027-03-01T11:00:00+00:00")
    assert app.repository.get(schedule_id).version == cached_version  # no query: stale by design
    with fresh_reads():
        assert app.repository.get(schedule_id).version == cached_version + 1


def test_a_command_decided_on_a_stale_entry_is_re_run_on_fresh_state(app: MediSyncApplication) -> None:
    nurse, doctor = member(app, "nurse"), member(app, "doctor")
    service, patient_id = AppointmentService(app), patient_of(app, nurse)
    service.schedule(nurse, patient_id, doctor.user_id, NINE, 30, "follow_up", "first")
    _book_behind_the_cache(app, doctor.user_id, HALF_NINE)  # the slot is taken, the cache does not know
    with pytest.raises(ConflictError):  # the retry read the fresh schedule: no double booking
        service.schedule(nurse, patient_id, doctor.user_id, HALF_NINE, 30, "follow_up", "second")
    free = service.schedule(nurse, patient_id, doctor.user_id, "2027-03-01T12:00:00+00:00", 30,
                            "follow_up", "third")
    assert free.notification_id is not None


def test_a_load_that_raced_a_newer_write_is_not_cached_after_that_write_was_seen(
        app: MediSyncApplication) -> None:
    nurse = member(app, "nurse")
    patient_id = patient_of(app, nurse)
    key = UUID(patient_id)
    app.repository.clear_cache()
    read_before_the_write = app.repository.get(key)  # e.g. replayed while another process wrote
    app.repository.clear_cache()
    app.repository.forget_stale(key, read_before_the_write.version + 1)  # the follower saw the write
    app.repository._replace(key, read_before_the_write)  # the slow load finishes afterwards
    with pytest.raises(KeyError):
        app.repository.cache.get(key)  # never trusted, so the next load reads the store
