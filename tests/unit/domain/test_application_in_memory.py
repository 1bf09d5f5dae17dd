"""Application services over the in-memory (POPO) event store: real
aggregates, real repository, no database."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest

from medisync.adapters.blobs import FilesystemBlobStore
from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.delete_recordings import DeleteRecordings, DeleteRecordingsHandler
from medisync.application.notes import NoteService
from medisync.application.recordings import RecordingService
from medisync.application.upload_recording import UploadRecording, UploadRecordingHandler
from medisync.domain.appointment import Appointment
from medisync.domain.clinical_note import ClinicalNote
from medisync.domain.doctor_schedule import DoctorSchedule
from medisync.domain.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from medisync.domain.patient import Patient
from medisync.domain.recording import Recording
from tests.support.blobs import staged
from tests.support.in_memory import References, member, patient_of


@pytest.fixture
def app() -> Iterator[MediSyncApplication]:
    application = MediSyncApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield application
    application.close()


def test_booking_overlap_cancel_and_rebook_through_the_event_store(app: MediSyncApplication) -> None:
    nurse, doctor = member(app, "nurse"), member(app, "doctor")
    service = AppointmentService(app)
    patient_id = patient_of(app, nurse)
    first = service.schedule(nurse, patient_id, doctor.user_id, "2027-01-04T09:00:00+00:00", 30,
                             "follow_up", "check")
    assert first.created and first.notification_id is not None
    with pytest.raises(ConflictError) as clash:
        service.schedule(nurse, patient_id, doctor.user_id, "2027-01-04T09:15:00+00:00", 30,
                         "follow_up", "overlap")
    assert clash.value.details == {"conflicting_appointment_id": first.id}
    service.cancel(nurse, first.id, "patient called")
    second = service.schedule(nurse, patient_id, doctor.user_id, "2027-01-04T09:15:00+00:00", 30,
                              "urgent", "rebooked")
    stored: Appointment = app.repository.get(uuid.UUID(first.id))
    assert stored.status == "cancelled" and stored.version == 2
    schedule: DoctorSchedule = app.repository.get(DoctorSchedule.create_id(doctor.user_id))
    assert list(schedule.bookings) == [second.id]
    # The refused booking left nothing behind: two Scheduled appointments only.
    topics = [n.topic for n in app.recorder.select_notifications(start=1, limit=1000)]
    assert sum(t.endswith("Appointment.Scheduled") for t in topics) == 2


def test_scheduling_refuses_foreign_references(app: MediSyncApplication) -> None:
    nurse, doctor = member(app, "nurse"), member(app, "doctor")
    outsider_doctor = member(app, "doctor", practice_id=str(uuid.uuid4()))
    service = AppointmentService(app)
    patient_id = patient_of(app, nurse)
    start = "2027-01-04T09:00:00+00:00"
    for doctor_id, patient, field in ((outsider_doctor.user_id, patient_id, "doctor_id"),
                                      (nurse.user_id, patient_id, "doctor_id"),
                                      (doctor.user_id, str(uuid.uuid4()), "patient_id")):
        with pytest.raises(ValidationError) as refused:
            service.schedule(nurse, patient, doctor_id, start, 30, "follow_up", "")
        assert refused.value.details == {"field": field}
    with pytest.raises(ValidationError, match="UTC offset"):
        service.schedule(nurse, patient_id, doctor.user_id, "2027-01-04T09:00:00", 30, "follow_up", "")


def test_note_written_by_doctor_signed_only_by_the_appointments_doctor(app: MediSyncApplication) -> None:
    admin, nurse, doctor, other = (member(app, r) for r in ("admin", "nurse", "doctor", "doctor"))
    appointments = AppointmentService(app)
    notes = NoteService(app, appointments)
    patient_id = patient_of(app, admin)
    appointment_id = appointments.schedule(admin, patient_id, doctor.user_id, "2027-02-01T10:00:00+00:00",
                                           20, "consultation", "").id
    with pytest.raises(ForbiddenError):
        notes.write(nurse, appointment_id, {"plan": "x"})
    with pytest.raises(NotFoundError):
        notes.write(other, appointment_id, {"plan": "x"})
    assert notes.write(doctor, appointment_id, {"plan": "rest"}).created is True
    assert notes.write(admin, appointment_id, {"plan": "rest, fluids"}).created is False
    for refused_signer, error in ((nurse, ForbiddenError), (admin, ForbiddenError), (other, NotFoundError)):
        with pytest.raises(error):
            notes.sign(refused_signer, appointment_id)
    notes.sign(doctor, appointment_id)
    note: ClinicalNote = app.repository.get(ClinicalNote.create_id(appointment_id))
    assert [(v["status"], v["author_id"]) for v in note.versions] == [
        ("preliminary", doctor.user_id), ("final", admin.user_id)]
    assert note.current["signed_by"] == doctor.user_id


    patient_id = patient_of(app, admin)
    with pytest.raises(NotFoundError):
        AppointmentService(app).cancel(admin, patient_id, "not an appointment")


def test_an_erased_patients_aggregates_leave_the_cache_and_refuse_commands() -> None:
    app = MediSyncApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo",
                                   "AGGREGATE_CACHE_MAXSIZE": "100", "AGGREGATE_CACHE_FASTFORWARD": "y"})
    nurse, doctor = member(app, "nurse"), member(app, "doctor")
    appointments = AppointmentService(app)
    notes = NoteService(app, appointments)
    patient_id = patient_of(app, nurse)
    kept_id = patient_of(app, nurse)
    booked = appointments.schedule(nurse, patient_id, doctor.user_id, "2027-01-04T09:00:00+00:00", 30,
                                   "follow_up", "check")
    other = appointments.schedule(nurse, kept_id, doctor.user_id, "2027-01-04T10:00:00+00:00", 30,
                                  "follow_up", "check")
    notes.write(doctor, booked.id, {"subjective": "Thirsty."})
    for aggregate_id in (booked.id, ClinicalNote.create_id(booked.id), other.id):
        app.load(aggregate_id, "aggregate")  # a load puts the decrypted aggregate in the cache
    patient = app.load(patient_id, "patient", Patient)
    patient.erase(reason="GDPR Art.17", actor=nurse.actor())
    app.commit(patient)
    before = app.recorder.max_notification_id()

    # The patient (cached as loaded, before the erasure), the appointment and the note.
    assert app.forget_cached(patient_id) == 3
    cached = [app.repository.cache.get(key) for key in list(app.repository.cache.cache)]
    assert {str(getattr(a, "patient_id", a.id)) for a in cached} & {patient_id} == set()
    assert other.id in {str(a.id) for a in cached}
    for refused in (lambda: appointments.check_in(nurse, booked.id),
                    lambda: appointments.cancel(nurse, booked.id, "moved away"),
                    lambda: notes.write(doctor, booked.id, {"subjective": "Still thirsty."}),
                    lambda: notes.sign(doctor, booked.id)):
        with pytest.raises(NotFoundError):
            refused()
    assert app.recorder.max_notification_id() == before
    appointments.check_in(nurse, other.id)  # the other patient's visit goes on
    app.close()


def test_deleting_a_recording_the_ml_worker_just_wrote_to_retries_instead_of_failing(
        app: MediSyncApplication, tmp_path: Path) -> None:
    nurse, doctor = member(app, "nurse"), member(app, "doctor")
    appointments = AppointmentService(app)
    blobs = FilesystemBlobStore(str(tmp_path / "blobs"))
    recordings = RecordingService(app, References())
    delete = DeleteRecordingsHandler(app, appointments, recordings, blobs, References())
    appointment_id = appointments.schedule(nurse, patient_of(app, nurse), doctor.user_id,
                                           "2027-01-04T09:00:00+00:00", 30, "follow_up", "").id
    upload = UploadRecording(appointment_id, staged(blobs, b"RIFF....WAVE"), "audio/wav", 10.0)
    recording_id = UploadRecordingHandler(app, appointments, blobs)(doctor, upload).id

    # The worker starts transcribing between the delete's load and its commit.
    commit, interleaved = app.commit, []

    def worker_first(*aggregates: object) -> int | None:
        if not interleaved:
            interleaved.append(recording_id)  # once: the worker's own commit comes through here too
            recordings.start_transcription(recording_id, 1)
        return commit(*aggregates)
    app.commit = worker_first  # type: ignore[method-assign]

    delete(doctor, DeleteRecordings(appointment_id, "patient withdrew consent"))
    stored: Recording = app.repository.get(uuid.UUID(recording_id))
    assert interleaved and stored.deleted and stored.transcription_status == "processing"
    assert not blobs.exists(stored.blob_key)
