"""Recording: a visit's audio and the life of its transcription.

pending ─ processing ─┬─ completed
                      └─ failed (retried) ─ dead_lettered
Deleting removes the audio blob; a transcript already made is kept, but a
transcription that finishes after deletion is refused, so no transcript of
deleted audio ever appears.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from medisync.domain.actor import Actor
from medisync.domain.errors import ConflictError, InvalidTransitionError
from medisync.domain.phi import Reason
from medisync.domain.transcript import RecordedTranscript, TranscriptSummary, TranscriptText


class Recording(Aggregate):
    class Uploaded(Aggregate.Created):
        practice_id: str
        appointment_id: str
        patient_id: str
        doctor_id: str
        blob_key: str
        sha256: str
        size_bytes: int
        content_type: str
        duration_s: float
        actor: Actor
        sha1: str | None = None

    @event(Uploaded)
    def __init__(self, practice_id: str, appointment_id: str, patient_id: str, doctor_id: str,
                 blob_key: str,
                 sha256: str, size_bytes: int, content_type: str, duration_s: float,
                 actor: Actor, sha1: str | None = None) -> None:
        self.practice_id = practice_id
        self.appointment_id = appointment_id
        self.patient_id = patient_id
        self.doctor_id = doctor_id
        self.blob_key = blob_key
        self.sha256 = sha256
        self.sha1 = sha1  # None in events recorded before FHIR export needed it
        self.size_bytes = size_bytes
        self.content_type = content_type
        self.duration_s = duration_s
        self.uploaded_by = actor["user_id"]
        self.deleted = False
        self.transcription_status = "pending"
        self.attempts = 0
        self.note_draft_status = "pending"  # pending -> completed | failed (the AI draft, D55)
        self.transcript: RecordedTranscript | None = None

    def delete(self, phi: Reason, actor: Actor) -> None:
        if self.deleted:
            raise InvalidTransitionError("recording is already deleted")
        self._delete(patient_id=self.patient_id, phi=phi, actor=actor)

    class Deleted(Aggregate.Event):
        patient_id: str
        phi: Reason
        actor: Actor

    @event(Deleted)
    def _delete(self, patient_id: str, phi: Reason, actor: Actor) -> None:
        self.deleted = True

    def start_transcription(self, attempt: int, actor: Actor) -> None:
        self._require_transcribable()
        self._start_transcription(attempt=attempt, actor=actor)

    class TranscriptionStarted(Aggregate.Event):
        attempt: int
        actor: Actor

    @event(TranscriptionStarted)
    def _start_transcription(self, attempt: int, actor: Actor) -> None:
        self.transcription_status = "processing"
        self.attempts = attempt

    def record_transcript(self, summary: TranscriptSummary, phi: TranscriptText,
                          actor: Actor) -> None:
        self._require_transcribable()
        self._record_transcript(patient_id=self.patient_id, summary=summary, phi=phi, actor=actor)

    class Transcribed(Aggregate.Event):
        patient_id: str
        summary: TranscriptSummary
        phi: TranscriptText
        actor: Actor

    @event(Transcribed)
    def _record_transcript(self, patient_id: str, summary: TranscriptSummary, phi: TranscriptText,
                           actor: Actor) -> None:
        self.transcription_status = "completed"
        self.transcript = {**summary, **phi}
        self.transcript_at = self.modified_on  # when it was transcribed (newest wins on a re-take)
        # the Transcribed event's own version (the library advances self.version after this body runs)
        self.transcript_version = self.version + 1

    def record_failure(self, reason: str, attempt: int, actor: Actor) -> None:
        self._require_transcribable()
        self._record_failure(reason=reason, attempt=attempt, actor=actor)

    class TranscriptionFailed(Aggregate.Event):
        reason: str
        attempt: int
        actor: Actor

    @event(TranscriptionFailed)
    def _record_failure(self, reason: str, attempt: int, actor: Actor) -> None:
        self.transcription_status = "failed"
        self.attempts = attempt
        self.last_error = reason

    def dead_letter(self, reason: str, actor: Actor) -> None:
        self._require_transcribable()
        self._dead_letter(reason=reason, actor=actor)

    class DeadLettered(Aggregate.Event):
        reason: str
        actor: Actor

    @event(DeadLettered)
    def _dead_letter(self, reason: str, actor: Actor) -> None:
        self.transcription_status = "dead_lettered"
        self.last_error = reason

    def record_note_drafted(self, actor: Actor) -> None:
        self._require_draftable()
        self._note_drafted(actor=actor)

    class NoteDrafted(Aggregate.Event):
        actor: Actor

    @event(NoteDrafted)
    def _note_drafted(self, actor: Actor) -> None:
        self.note_draft_status = "completed"

    def record_note_draft_failed(self, reason: str, attempts: int, actor: Actor) -> None:
        self._require_draftable()
        self._note_draft_failed(reason=reason, attempts=attempts, actor=actor)

    class NoteDraftFailed(Aggregate.Event):
        reason: str
        attempts: int
        actor: Actor

    @event(NoteDraftFailed)
    def _note_draft_failed(self, reason: str, attempts: int, actor: Actor) -> None:
        self.note_draft_status = "failed"
        self.last_error = reason

    def _require_draftable(self) -> None:
        if self.deleted:
            raise InvalidTransitionError("recording was deleted")
        if not self.is_transcribed:
            raise InvalidTransitionError("recording is not transcribed")
        if self.note_draft_status != "pending":
            raise ConflictError(f"note draft already {self.note_draft_status}")

    @property
    def is_transcribed(self) -> bool:
        return self.transcription_status == "completed"

    @property
    def transcribed(self) -> RecordedTranscript:
        """The transcript of a transcribed recording (``Transcribed`` sets both at once)."""
        if self.transcript is None:
            raise InvalidTransitionError("recording is not transcribed")
        return self.transcript

    def _require_transcribable(self) -> None:
        # Redelivered jobs and jobs for deleted audio stop here: the
        # aggregate, not the worker, decides whether a result is welcome.
        if self.deleted:
            raise InvalidTransitionError("recording was deleted")
        if self.transcription_status in ("completed", "dead_lettered"):
            raise ConflictError(f"transcription already {self.transcription_status}")
