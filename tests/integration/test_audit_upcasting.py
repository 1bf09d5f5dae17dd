"""Event versioning against the real store and mapper: an ``Appointment.Scheduled``
row rewritten in Postgres to its version-1 shape (PHI still encrypted) loads
into version 2 through the upcaster, and the audit replay shows it."""

from __future__ import annotations

import json
import uuid

import psycopg

from medisync.application.principal import Principal
from medisync.interface.bootstrap import Container
from tests.support.container import populate


def _doctor(container: Container, admin: Principal) -> str:
    email = f"doc-{uuid.uuid4().hex[:6]}@example.test"
    token, _ = container.identity.invite(admin, email, "doctor", "standard")
    return container.identity.register_invited(email, "correct-horse-9", "Doctor Upcast", token).id


def test_v1_shaped_row_in_postgres_loads_as_v2(container: Container) -> None:
    admin, patient_id = populate(container)
    doctor_id = _doctor(container, admin)
    booked = container.appointments.schedule(admin, patient_id, doctor_id, "2027-05-03T10:00:00+00:00",
                                             20, "follow_up", "persistent cough")
    with psycopg.connect(container.database_url, autocommit=True) as conn:
        (state,) = conn.execute("SELECT state FROM medisync_events WHERE originator_id = %s "
                                "AND originator_version = 1", (booked.id,)).fetchone()
        document = json.loads(bytes(state))
        assert document["class_version"] == 2 and "persistent cough" not in bytes(state).decode()
        del document["class_version"], document["booked_via"]
        conn.execute("UPDATE medisync_events SET state = %s WHERE originator_id = %s AND originator_version = 1",
                     (json.dumps(document, separators=(",", ":")).encode(), booked.id))

    appointment = container.app.repository.get(uuid.UUID(booked.id))
    assert appointment.booked_via == "staff" and appointment.reason == "persistent cough"
    assert appointment.start == "2027-05-03T10:00:00+00:00" and appointment.duration_minutes == 20

    history = container.audit.service.history(None, booked.id)  # type: ignore[union-attr]
    (scheduled,) = history["events"]
    assert scheduled["event_type"] == "Appointment.Scheduled"
    assert scheduled["data"]["booked_via"] == "staff"
    assert scheduled["data"]["phi"] == {"reason": "persistent cough"}
