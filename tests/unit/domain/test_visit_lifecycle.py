"""What the visit does to its appointment, and which recordings are accepted (issue 18 s1, D42).

A recording starts a visit that has not started; a signed note completes it; a visit whose note is
signed takes no more recordings; a recording under a second is refused. Over the in-memory event
store: real aggregates, real repository, no database.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest

from medisync.adapters.blobs import FilesystemBlobStore
from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.notes import NoteService
from medisync.application.principal import Principal
from medisync.application.upload_recording import (MIN_DURATION_S, NoteSignedError, UploadRecording,
                                                   UploadRecordingHandler)
from medisync.domain.appointment import Appointment
from medisync.domain.errors import InvalidTransitionError, ValidationError
from medisync.domain.patient import Patient
from medisync.domain.user import User
from tests.support.blobs import staged
from tests.unit.domain.test_appointment import ACTIONS, PATHS, new_appointment

PRACTICE = str(uuid.uuid4())
ACTOR = {"user_id": "u-1", "practice_id": "p-1", "request_id": ""}


class Clinic:
    def __init__(self, app: MediSyncApplication, tmp_path: Path) -> None:
        self.app = app
        self.nurse, self.doctor = self.member("nurse"), self.member("doctor")
        self.appointments = AppointmentService(app)
        self.blobs = FilesystemBlobStore(str(tmp_path / "blobs"))
        self.upload_recording = UploadRecordingHandler(app, self.appointments, self.blobs)
        self.notes = NoteService(app, self.appointments)

    def member(self, role: str) -> Principal:
        user_id = str(uuid.uuid4())
        self.app.save(User.register(user_id=user_id, practice_id=PRACTICE, email=f"{user_id}@x.test",
                                    full_name=role, password_hash="h", role=role, tier="standard",
                                    actor={"user_id": user_id, "practice_id": PRACTICE, "request_id": ""}))
        return Principal(user_id, PRACTICE, role, "standard")

    def visit(self) -> str:
        patient = Patient(practice_id=PRACTICE, registered_by=self.nurse.user_id,
                          phi={"mrn": f"M-{uuid.uuid4().hex[:6]}", "first_name": "Rosa"},
                          actor=self.nurse.actor())
        self.app.save(patient)
        return self.appointments.schedule(self.nurse, str(patient.id), self.doctor.user_id,
                                          "2027-01-04T09:00:00+00:00", 30, "follow_up", "").id

    def upload(self, appointment_id: str, seconds: float = 10.0) -> str:
        command = UploadRecording(appointment_id, staged(self.blobs, b"RIFF....WAVE"), "audio/wav", seconds)
        return self.upload_recording(self.doctor, command).id

    def status(self, appointment_id: str) -> str:
        return self.app.load(appointment_id, "appointment", Appointment).status

    def stored_files(self) -> list[Path]:
        return [p for p in Path(self.blobs.root).rglob("*") if p.is_file() and "staging" not in p.parts]


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Clinic]:
    app = MediSyncApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield Clinic(app, tmp_path)
    app.close()


def test_a_recording_starts_the_visit_and_the_signed_note_completes_it(clinic: Clinic) -> None:
    appointment_id = clinic.visit()
    clinic.appointments.check_in(clinic.nurse, appointment_id)
    clinic.upload(appointment_id)
    assert clinic.status(appointment_id) == "started"
    clinic.upload(appointment_id)  # a second part before signing is welcome, and changes nothing
    assert clinic.status(appointment_id) == "started"
    clinic.notes.write(clinic.doctor, appointment_id, {"subjective": "Thirsty.", "plan": "HbA1c."})
    assert clinic.status(appointment_id) == "started"
    clinic.notes.sign(clinic.doctor, appointment_id)
    assert clinic.status(appointment_id) == "completed"
    # an amendment signed again leaves the completed visit as it is
    clinic.notes.write(clinic.doctor, appointment_id, {"free_text": "Addendum: fasting."})
    clinic.notes.sign(clinic.doctor, appointment_id)
    assert clinic.status(appointment_id) == "completed"


def test_a_typed_note_signed_without_a_recording_completes_a_scheduled_visit(clinic: Clinic) -> None:
    appointment_id = clinic.visit()
    clinic.notes.write(clinic.doctor, appointment_id, {"subjective": "Telephone follow-up."})
    clinic.notes.sign(clinic.doctor, appointment_id)
    assert clinic.status(appointment_id) == "completed"


def test_a_visit_whose_note_is_signed_takes_no_more_recordings(clinic: Clinic) -> None:
    appointment_id = clinic.visit()
    clinic.upload(appointment_id)
    clinic.notes.write(clinic.doctor, appointment_id, {"subjective": "Thirsty."})
    clinic.notes.sign(clinic.doctor, appointment_id)
    before, files = clinic.app.recorder.max_notification_id(), clinic.stored_files()
    with pytest.raises(NoteSignedError) as refused:
        clinic.upload(appointment_id)
    assert "POST /notes/add/" in refused.value.message and refused.value.code == "note_signed"
    assert clinic.app.recorder.max_notification_id() == before  # nothing recorded
    assert clinic.stored_files() == files  # and no file kept


def test_a_completed_visit_whose_note_is_not_signed_still_takes_its_recording(clinic: Clinic) -> None:
    appointment_id = clinic.visit()
    clinic.appointments.begin(clinic.doctor, appointment_id)
    clinic.appointments.complete(clinic.doctor, appointment_id)
    clinic.upload(appointment_id)
    assert clinic.status(appointment_id) == "completed"


def test_a_recording_under_the_minimum_duration_is_refused(clinic: Clinic) -> None:
    appointment_id = clinic.visit()
    with pytest.raises(ValidationError) as refused:
        clinic.upload(appointment_id, seconds=0.002)
    assert f"at least {MIN_DURATION_S:g} s" in refused.value.message
    assert clinic.status(appointment_id) == "scheduled"
    clinic.upload(appointment_id, seconds=MIN_DURATION_S)


@pytest.mark.parametrize("state", list(PATHS))
def test_recording_and_signature_move_only_a_visit_that_has_not_ended(state: str) -> None:
    appointment = new_appointment()
    for action in PATHS[state]:
        ACTIONS[action](appointment)
    appointment.visit_recorded(actor=ACTOR)
    assert appointment.status == ("started" if state in ("scheduled", "rescheduled", "checked_in") else state)
    appointment.note_signed(actor=ACTOR)
    assert appointment.status == ("completed" if state not in ("cancelled", "no_show") else state)
    if state in ("cancelled", "no_show"):
        with pytest.raises(InvalidTransitionError):
            appointment.complete(actor=ACTOR)
