"""Event versioning: ``Appointment.Scheduled`` is at schema version 2 (it
gained ``booked_via``); events stored in the version-1 shape still load, into
the version-2 class, through the upcaster."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from typing import Any, Iterator

import pytest
from eventsourcing.persistence import StoredEvent

from medisync.application.app import MediSyncApplication
from medisync.domain.appointment import Appointment

PRACTICE, PATIENT, DOCTOR = (str(uuid.uuid4()) for _ in range(3))
ACTOR = {"user_id": str(uuid.uuid4()), "practice_id": PRACTICE, "request_id": "req-upcast-1"}


@pytest.fixture
def app() -> Iterator[MediSyncApplication]:
    application = MediSyncApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield application
    application.close()


def _scheduled(**extra: Any) -> Appointment:
    return Appointment.schedule(practice_id=PRACTICE, patient_id=PATIENT, doctor_id=DOCTOR,
                                start="2027-02-01T09:00:00+00:00", duration_minutes=30,
                                appointment_type="follow_up", phi={"reason": "knee pain"},
                                actor=ACTOR, **extra)


def _v1_shape(stored: StoredEvent) -> StoredEvent:
    """What MediSync wrote before Scheduled v2: no booked_via, no class_version."""
    state = json.loads(stored.state)
    del state["booked_via"], state["class_version"]
    return replace(stored, state=json.dumps(state, separators=(",", ":")).encode())


def test_new_scheduled_events_are_stored_as_version_2(app: MediSyncApplication) -> None:
    appointment = _scheduled()
    app.save(appointment)
    (stored,) = app.recorder.select_events(appointment.id)
    state = json.loads(stored.state)
    assert state["class_version"] == 2 and state["booked_via"] == "staff"
    assert Appointment.Scheduled.class_version == 2  # type: ignore[attr-defined]


def test_a_version_1_event_loads_into_version_2(app: MediSyncApplication) -> None:
    original = _scheduled()
    app.save(original)
    (stored,) = app.recorder.select_events(original.id)
    old = _v1_shape(stored)
    assert b"booked_via" not in old.state and b"class_version" not in old.state

    # An application whose store holds only the old-shape record.
    legacy = MediSyncApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        legacy.recorder.insert_events([old])
        event = legacy.mapper.to_domain_event(old)
        assert type(event) is Appointment.Scheduled  # type: ignore[attr-defined]
        assert event.booked_via == "staff"
        loaded = legacy.repository.get(original.id)
        assert loaded.booked_via == "staff"
        assert (loaded.patient_id, loaded.doctor_id, loaded.start, loaded.duration_minutes,
                loaded.reason, loaded.status) == (PATIENT, DOCTOR, "2027-02-01T09:00:00+00:00", 30,
                                                  "knee pain", "scheduled")

        # Later events append to the upcast history as usual, and are v2 themselves.
        loaded.cancel(phi={"reason": "patient called"}, actor=ACTOR)
        legacy.save(loaded)
        assert legacy.repository.get(original.id).status == "cancelled"
        reloaded_first = legacy.recorder.select_events(original.id)[0]
        assert reloaded_first.state == old.state  # the stored record itself is never rewritten
    finally:
        legacy.close()


def test_a_new_value_survives_the_round_trip(app: MediSyncApplication) -> None:
    appointment = _scheduled(booked_via="patient_portal")
    app.save(appointment)
    assert app.repository.get(appointment.id).booked_via == "patient_portal"


def test_upcasting_is_idempotent_on_version_2_state() -> None:
    from medisync.domain.appointment import upcast_scheduled_v1_v2

    state = {"booked_via": "patient_portal"}
    upcast_scheduled_v1_v2(state)
    assert state == {"booked_via": "patient_portal"}
