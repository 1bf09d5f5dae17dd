"""Command: record a visit's audio (D31, D42, D56).

The interface has spooled and probed the upload; from here the command owns
the staged file: a refusal discards it, an acceptance commits it as a blob
together with the Recording, the patient's file index and the appointment.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventsourcing.domain import Aggregate

from medisync.application.access import CLINICAL_STAFF, require_role
from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.file_intake import Build, blob_fields, commit_upload
from medisync.application.patient_files import PatientFileIndex
from medisync.application.ports import BlobStore, StagedBlob, StoredFile
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.appointment import Appointment
from medisync.domain.clinical_note import ClinicalNote
from medisync.domain.errors import ConflictError, InvalidTransitionError, ValidationError
from medisync.domain.recording import Recording

UNRECORDABLE = ("cancelled", "no_show")
# Shorter audio holds no visit: a 100-byte WAV is 2 ms (issue 18). A second is far below any
# consultation and above a click or an empty header, which the ASR would only turn into noise.
MIN_DURATION_S = 1.0


class NoteSignedError(ConflictError):
    """A recording for a visit whose note is signed (409, D42)."""

    code = "note_signed"


@dataclass(frozen=True)
class UploadRecording:
    appointment_id: str
    file: StagedBlob
    content_type: str  # as probed from the content
    duration_s: float


class UploadRecordingHandler:
    def __init__(self, app: MediSyncApplication, appointments: AppointmentService, blobs: BlobStore) -> None:
        self.app = app
        self.appointments = appointments
        self.blobs = blobs
        self.files = PatientFileIndex(app)

    def __call__(self, principal: Principal, command: UploadRecording) -> CommandResult:
        """Starts the visit if it had not started (D42); the file is kept only if this is accepted."""
        def prepare() -> Build:
            require_role(principal, CLINICAL_STAFF, "upload recordings")
            require_minimum_duration(command.duration_s)
            appointment = self.appointments.load_visible(principal, command.appointment_id)
            self._require_recordable(appointment)
            index = self.files.open(principal.practice_id, appointment.patient_id)

            def build(stored: StoredFile) -> list[Aggregate]:
                recording = Recording(
                    practice_id=principal.practice_id, appointment_id=command.appointment_id,
                    patient_id=appointment.patient_id, doctor_id=appointment.doctor_id,
                    duration_s=command.duration_s, actor=principal.actor(),
                    **blob_fields(stored, command.content_type))
                index.add(str(recording.id), "recording", stored.key, command.appointment_id)
                appointment.visit_recorded(actor=principal.actor())  # starts it if not yet (D42)
                return [recording, index, appointment]
            return build

        recording, notification_id = commit_upload(self.app, self.blobs, command.file, prepare)
        return CommandResult(str(recording.id), notification_id)

    def _require_recordable(self, appointment: Appointment) -> None:
        """Not a visit that did not happen, nor one whose note is signed (D42)."""
        if appointment.status in UNRECORDABLE:
            raise InvalidTransitionError(f"cannot record an appointment that is {appointment.status}")
        note = self.app.find(ClinicalNote.create_id(str(appointment.id)), "note", ClinicalNote)
        if note is not None and note.signed:
            raise NoteSignedError(
                "the note of this visit is signed, so it is the record and a new recording would "
                "not be part of it: add what is missing with POST /notes/add/{appointment_id} (an "
                "amendment) and sign again")


def require_minimum_duration(duration_s: float) -> None:
    if duration_s < MIN_DURATION_S:
        raise ValidationError(
            f"the recording lasts {duration_s:g} s; a visit recording must last at least "
            f"{MIN_DURATION_S:g} s (check that the whole file was sent)", field="file")
