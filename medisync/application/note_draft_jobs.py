"""The ML worker's second step: a recording was transcribed, so draft its note.

Drafting is its own step with its own retries and its own outcome on the
Recording: ``NoteDrafted``, or ``NoteDraftFailed`` after ``max_attempts``
(shown as ``note_draft_status`` by ``GET /recordings/...``). It reads the
transcript from the Recording aggregate (the write model) and is safe to run
again: a redelivered upload whose transcription is already saved drafts a
note that a crash lost, and does nothing once the outcome is recorded.
"""

from __future__ import annotations

import logging
from medisync.application.note_templates import NoteTemplateService
from medisync.application.notes import NoteService
from medisync.application.ports import NoteGenerator
from medisync.application.recordings import RecordingService
from medisync.application.retries import Retries
from medisync.domain.actor import system_actor
from medisync.domain.errors import DomainError
from medisync.domain.note_content import NoteDraft
from medisync.domain.recording import Recording

log = logging.getLogger(__name__)


class NoteDraftJobs:
    def __init__(self, recordings: RecordingService, notes: NoteService, generator: NoteGenerator,
                 templates: NoteTemplateService | None = None, retries: Retries = Retries()) -> None:
        self.recordings = recordings
        self.notes = notes
        self.generator = generator
        self.templates = templates  # the practice's and doctors' default templates (D47)
        self.retries = retries

    def handle_transcribed(self, recording_id: str) -> None:
        try:
            self._run(recording_id)
        except DomainError as refused:
            # Deleted meanwhile, or the outcome was recorded by an earlier delivery.
            log.info("note draft job for %s ended: %s", recording_id, refused.code)

    def _run(self, recording_id: str) -> None:
        recording = self.recordings.load(recording_id)
        if recording.deleted or not recording.is_transcribed or recording.note_draft_status != "pending":
            return
        draft, reason = self._draft_with_retries(recording)
        if draft is None:
            self.recordings.note_draft_failed(recording_id, reason, self.retries.max_attempts)
            return
        self.notes.record_generated(recording.appointment_id, draft, system_actor(recording.practice_id),
                                    transcript_version=recording.transcript_version)
        self.recordings.note_drafted(recording_id)

    def _draft_with_retries(self, recording: Recording) -> tuple[NoteDraft | None, str]:
        reason = ""
        for attempt in range(1, self.retries.max_attempts + 1):
            try:
                return self._draft(recording), ""
            except Exception as error:  # noqa: BLE001 - any generator failure is retried
                reason = f"{type(error).__name__}: note drafting failed"  # no PHI: the class name only
                log.warning("note draft attempt %d for %s failed: %s", attempt, recording.id, reason)
                self.retries.after_failure(attempt)
        return None, reason

    def _draft(self, recording: Recording) -> NoteDraft:
        transcript = recording.transcribed
        if self.templates is None:
            return self.generator.generate(transcript)
        choice = self.templates.default_for(recording.practice_id, recording.doctor_id)
        return choice.stamp(self.generator.generate(transcript, template=choice.template))
