"""A clinic over the in-memory event store: a nurse, a doctor, visits to schedule and
recordings to upload, for the visit-lifecycle and note-draft tests."""

from __future__ import annotations

import uuid
from pathlib import Path

from medisync.adapters.blobs import FilesystemBlobStore
from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.notes import NoteService
from medisync.application.principal import Principal
from medisync.application.upload_recording import UploadRecording, UploadRecordingHandler
from medisync.domain.appointment import Appointment
from medisync.domain.patient import Patient
from medisync.domain.user import User
from tests.support.blobs import staged

PRACTICE = str(uuid.uuid4())


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
