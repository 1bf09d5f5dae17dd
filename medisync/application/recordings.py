"""Use cases: find a visit's recordings on the write side; record the ML worker's results."""

from __future__ import annotations

from typing import Callable

from medisync.application.app import MediSyncApplication, retry_on_conflict
from medisync.application.patient_files import LegacyFileRows, PatientFileIndex
from medisync.domain.actor import Actor, system_actor
from medisync.domain.recording import Recording
from medisync.domain.transcript import TranscriptSummary, TranscriptText


class RecordingService:
    """The recordings of a visit, found on the write side, and the ML worker's commands on them.

    Uploading and deleting are commands of their own (``upload_recording``,
    ``delete_recordings``, D56)."""

    def __init__(self, app: MediSyncApplication, legacy: LegacyFileRows) -> None:
        self.app = app
        self.legacy = legacy
        self.files = PatientFileIndex(app)

    def recording_ids(self, patient_id: str, appointment_id: str) -> list[str]:
        """From the write side's file index (D31); each is then judged by its own aggregate.

        Recordings stored before the index existed are only in the read model."""
        index = self.files.find(patient_id)
        ids = index.recordings_of(appointment_id) if index is not None else []
        legacy = [str(row["id"]) for row in self.legacy.recordings_for_appointment(appointment_id)]
        return ids + [i for i in legacy if i not in ids]

    def latest_transcribed(self, patient_id: str, appointment_id: str) -> Recording | None:
        """The appointment's newest transcribed, undeleted recording, from the write side."""
        latest = None
        for recording_id in self.recording_ids(patient_id, appointment_id):
            recording = self.load(recording_id)
            if not recording.deleted and recording.is_transcribed and (
                    latest is None or recording.transcript_at > latest.transcript_at):
                latest = recording
        return latest

    # The ML worker's commands: the aggregate refuses duplicates and results
    # for deleted audio, so a redelivered job does no harm.
    def start_transcription(self, recording_id: str, attempt: int) -> int | None:
        return self._system(recording_id, lambda r, actor: r.start_transcription(
            attempt=attempt, actor=actor))

    def record_transcript(self, recording_id: str, summary: TranscriptSummary,
                          phi: TranscriptText) -> int | None:
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

    def _system(self, recording_id: str, act: Callable[[Recording, Actor], None]) -> int | None:
        def command() -> int | None:
            recording = self.load(recording_id)
            act(recording, system_actor(recording.practice_id))
            return self.app.commit(recording)
        return retry_on_conflict(command)

