"""Use cases: upload and delete visit audio; record the ML worker's results."""

from __future__ import annotations

from typing import Any, Callable

from medisync.application.access import CLINICAL_STAFF, require_role
from medisync.application.app import MediSyncApplication, retry_on_conflict
from medisync.application.appointments import AppointmentService
from medisync.application.blob_release import release_blob
from medisync.application.file_intake import Build, StagedFile, blob_fields, commit_upload
from medisync.application.patient_files import LegacyFileRows, PatientFileIndex
from medisync.application.ports import BlobReferences, BlobStore, StoredFile
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.actor import system_actor
from medisync.domain.appointment import Appointment
from medisync.domain.clinical_note import ClinicalNote
from medisync.domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from medisync.domain.recording import Recording

UNRECORDABLE = ("cancelled", "no_show")
# Shorter audio holds no visit: a 100-byte WAV is 2 ms (issue 18). A second is far below any
# consultation and above a click or an empty header, which the ASR would only turn into noise.
MIN_DURATION_S = 1.0


class NoteSignedError(ConflictError):
    """A recording for a visit whose note is signed (409, D42)."""

    code = "note_signed"


class RecordingService:
    def __init__(self, app: MediSyncApplication, appointments: AppointmentService,
                 blobs: BlobStore, references: BlobReferences, legacy: LegacyFileRows) -> None:
        self.app = app
        self.appointments = appointments
        self.blobs = blobs
        self.references = references
        self.legacy = legacy
        self.files = PatientFileIndex(app)

    def upload(self, principal: Principal, appointment_id: str, staged: StagedFile,
               duration_s: float) -> CommandResult:
        """Record the visit's audio; the file is stored only once the upload is accepted (D31)."""
        require_role(principal, CLINICAL_STAFF, "upload recordings")
        require_minimum_duration(duration_s)

        def prepare() -> Build:
            appointment = self.appointments.load_visible(principal, appointment_id)
            self._require_recordable(appointment)
            index = self.files.open(principal.practice_id, appointment.patient_id)

            def build(stored: StoredFile) -> list[Any]:
                recording = Recording(
                    practice_id=principal.practice_id, appointment_id=appointment_id,
                    patient_id=appointment.patient_id, doctor_id=appointment.doctor_id,
                    duration_s=duration_s, actor=principal.actor(), **blob_fields(stored, staged))
                index.add(str(recording.id), "recording", stored.key, appointment_id)
                appointment.visit_recorded(actor=principal.actor())  # starts it if not yet (D42)
                return [recording, index, appointment]
            return build

        recording, notification_id = commit_upload(self.app, self.blobs, staged, prepare)
        return CommandResult(str(recording.id), notification_id)

    def _require_recordable(self, appointment: Appointment) -> None:
        """Not a visit that did not happen, nor one whose note is signed (D42)."""
        if appointment.status in UNRECORDABLE:
            raise InvalidTransitionError(f"cannot record an appointment that is {appointment.status}")
        note_id = ClinicalNote.create_id(str(appointment.id))
        if self.app.exists(note_id) and self.app.load(note_id, "note", ClinicalNote).signed:
            raise NoteSignedError(
                "the note of this visit is signed, so it is the record and a new recording would "
                "not be part of it: add what is missing with POST /notes/add/{appointment_id} (an "
                "amendment) and sign again")

    def delete(self, principal: Principal, appointment_id: str, reason: str) -> CommandResult:
        """Delete the appointment's recordings and their audio blobs (404 if none is left)."""
        require_role(principal, CLINICAL_STAFF, "delete recordings")
        appointment = self.appointments.load_visible(principal, appointment_id)
        last, deleted_any = None, False
        for recording_id in self._recording_ids(appointment.patient_id, appointment_id):
            deleted = self._record_deletion(principal, appointment_id, recording_id, reason)
            if deleted is None:
                continue
            (last, blob_key), deleted_any = deleted, True
            # Remove the audio only after the deletion is recorded, so a crash
            # in between leaves audio we can still delete, never an event
            # pointing at audio that vanished unrecorded.
            release_blob(self.blobs, self.references, blob_key, recording_id)
        if not deleted_any:
            raise NotFoundError("recording not found")
        return CommandResult(appointment_id, last, created=False)

    def _recording_ids(self, patient_id: str, appointment_id: str) -> list[str]:
        """From the write side's file index (D31); each is then judged by its own aggregate.

        Recordings stored before the index existed are only in the read model."""
        index = self.files.find(patient_id)
        ids = index.recordings_of(appointment_id) if index is not None else []
        legacy = [str(row["id"]) for row in self.legacy.recordings_for_appointment(appointment_id)]
        return ids + [i for i in legacy if i not in ids]

    def latest_transcribed(self, patient_id: str, appointment_id: str) -> Recording | None:
        """The appointment's newest transcribed, undeleted recording, from the write side."""
        latest = None
        for recording_id in self._recording_ids(patient_id, appointment_id):
            recording = self.load(recording_id)
            if not recording.deleted and recording.is_transcribed and (
                    latest is None or recording.transcript_at > latest.transcript_at):
                latest = recording
        return latest

    def _record_deletion(self, principal: Principal, appointment_id: str, recording_id: str,
                         reason: str) -> tuple[int | None, str] | None:
        """(notification id, blob key) of the recorded deletion; None if there is nothing to delete.

        The ML worker writes to a fresh upload's recording at the same time
        (transcription started...), so a conflict re-reads and decides again.
        """
        def command() -> tuple[int | None, str] | None:
            recording = self.load(recording_id)
            if recording.appointment_id != appointment_id or recording.deleted:
                return None
            recording.delete(phi={"reason": reason}, actor=principal.actor())
            return self.app.commit(recording), recording.blob_key
        return retry_on_conflict(command)

    # The ML worker's commands: the aggregate refuses duplicates and results
    # for deleted audio, so a redelivered job does no harm.
    def start_transcription(self, recording_id: str, attempt: int) -> int | None:
        return self._system(recording_id, lambda r, actor: r.start_transcription(
            attempt=attempt, actor=actor))

    def record_transcript(self, recording_id: str, summary: dict[str, Any],
                          phi: dict[str, Any]) -> int | None:
        return self._system(recording_id, lambda r, actor: r.record_transcript(
            summary=summary, phi=phi, actor=actor))

    def record_failure(self, recording_id: str, reason: str, attempt: int) -> int | None:
        return self._system(recording_id, lambda r, actor: r.record_failure(
            reason=reason, attempt=attempt, actor=actor))

    def dead_letter(self, recording_id: str, reason: str) -> int | None:
        return self._system(recording_id, lambda r, actor: r.dead_letter(reason=reason, actor=actor))

    def note_drafted(self, recording_id: str) -> int | None:
        return self._system(recording_id, lambda r, actor: r.record_note_drafted(actor=actor))

    def note_draft_failed(self, recording_id: str, reason: str, attempts: int) -> int | None:
        return self._system(recording_id, lambda r, actor: r.record_note_draft_failed(
            reason=reason, attempts=attempts, actor=actor))

    def load(self, recording_id: str) -> Recording:
        return self.app.load(recording_id, "recording", Recording)

    def _system(self, recording_id: str, act: Callable[[Recording, dict[str, str]], None]) -> int | None:
        def command() -> int | None:
            recording = self.load(recording_id)
            act(recording, system_actor(recording.practice_id).as_event_field())
            return self.app.commit(recording)
        return retry_on_conflict(command)


def require_minimum_duration(duration_s: float) -> None:
    if duration_s < MIN_DURATION_S:
        raise ValidationError(
            f"the recording lasts {duration_s:g} s; a visit recording must last at least "
            f"{MIN_DURATION_S:g} s (check that the whole file was sent)", field="file")
