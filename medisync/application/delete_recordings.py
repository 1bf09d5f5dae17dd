"""Command: delete an appointment's recordings and their audio (issue 15 finding 7, D56).

The recordings are found on the write side (the patient's file index, D31),
each judged by its own aggregate; the audio is removed only once its deletion
is recorded, so a crash in between leaves audio we can still delete, never an
event pointing at audio that vanished unrecorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from medisync.application.access import CLINICAL_STAFF, require_role
from medisync.application.app import MediSyncApplication, retry_on_conflict
from medisync.application.appointments import AppointmentService
from medisync.application.blob_release import release_blob
from medisync.application.ports import BlobReferences, BlobStore
from medisync.application.principal import Principal
from medisync.application.recordings import RecordingService
from medisync.application.results import CommandResult
from medisync.domain.errors import NotFoundError


@dataclass(frozen=True)
class DeleteRecordings:
    appointment_id: str
    reason: str = ""


class DeleteRecordingsHandler:
    def __init__(self, app: MediSyncApplication, appointments: AppointmentService,
                 recordings: RecordingService, blobs: BlobStore, references: BlobReferences) -> None:
        self.app = app
        self.appointments = appointments
        self.recordings = recordings
        self.blobs = blobs
        self.references = references

    def __call__(self, principal: Principal, command: DeleteRecordings) -> CommandResult:
        """404 if none is left to delete."""
        require_role(principal, CLINICAL_STAFF, "delete recordings")
        appointment = self.appointments.load_visible(principal, command.appointment_id)
        last, deleted_any = None, False
        for recording_id in self.recordings.recording_ids(appointment.patient_id, command.appointment_id):
            deleted = self._record_deletion(principal, command, recording_id)
            if deleted is None:
                continue
            (last, blob_key), deleted_any = deleted, True
            release_blob(self.blobs, self.references, blob_key, recording_id)
        if not deleted_any:
            raise NotFoundError("recording not found")
        return CommandResult(command.appointment_id, last, created=False)

    def _record_deletion(self, principal: Principal, command: DeleteRecordings,
                         recording_id: str) -> tuple[int | None, str] | None:
        """(notification id, blob key) of the recorded deletion; None if there is nothing to delete.

        The ML worker writes to a fresh upload's recording at the same time
        (transcription started...), so a conflict re-reads and decides again.
        """
        def attempt() -> tuple[int | None, str] | None:
            recording = self.recordings.load(recording_id)
            if recording.appointment_id != command.appointment_id or recording.deleted:
                return None
            recording.delete(phi={"reason": command.reason}, actor=principal.actor())
            return self.app.commit(recording), recording.blob_key
        return retry_on_conflict(attempt)
