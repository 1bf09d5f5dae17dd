"""The ML worker's use case: a recording was uploaded, so transcribe it, then
hand it to the drafting step (``note_draft_jobs.py``).

Every step is an event on the Recording (TranscriptionStarted, Transcribed,
TranscriptionFailed, DeadLettered, NoteDrafted, NoteDraftFailed) and on the
ClinicalNote (Generated). The aggregates refuse duplicates and results for
deleted audio, so a redelivered or resumed job is harmless, and a redelivery
after the transcript was saved drafts a note that a crash lost.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

from medisync.application.note_draft_jobs import NoteDraftJobs
from medisync.application.note_templates import NoteTemplateService
from medisync.application.notes import NoteService
from medisync.application.ports import BlobStore, NoteGenerator, Transcriber
from medisync.application.recordings import RecordingService
from medisync.application.retries import Retries
from medisync.domain.errors import DomainError
from medisync.domain.recording import Recording
from medisync.domain.transcript import Transcript, TranscriptSummary, TranscriptText

log = logging.getLogger(__name__)


def split_transcript(transcript: Transcript) -> tuple[TranscriptSummary, TranscriptText]:
    """(the fields that identify nobody, the PHI: what was said)."""
    segments = transcript.get("segments", [])
    speakers = {segment.get("speaker") for segment in segments}
    summary: TranscriptSummary = {
        "language": transcript.get("language"), "duration_s": transcript.get("duration_s"),
        "model": transcript.get("model"), "metrics": transcript.get("metrics"),
        "speaker_count": len(speakers - {None}), "segment_count": len(segments)}
    return summary, {"text": transcript.get("text", ""), "segments": segments}


class TranscriptionJobs:
    def __init__(self, recordings: RecordingService, notes: NoteService, blobs: BlobStore,
                 transcriber: Transcriber, generator: NoteGenerator, retries: Retries = Retries(),
                 templates: NoteTemplateService | None = None,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.recordings = recordings
        self.notes = notes
        self.blobs = blobs
        self.transcriber = transcriber
        self.generator = generator
        self.retries = retries
        self.clock = clock  # times the transcription for its metrics (processing_s, rtf)
        self.templates = templates  # the practice's and doctors' default templates (D47)
        self.drafts = NoteDraftJobs(recordings, notes, generator, templates, retries)

    def handle_uploaded(self, recording_id: str) -> None:
        try:
            self._run(recording_id)
        except DomainError as refused:
            # Deleted meanwhile, or already done by an earlier delivery.
            log.info("transcription job for %s ended: %s", recording_id, refused.code)

    def _run(self, recording_id: str) -> None:
        recording = self.recordings.load(recording_id)
        if recording.deleted or recording.transcription_status == "dead_lettered":
            return
        if recording.transcription_status != "completed":
            transcript = self._transcribe_with_retries(recording_id, recording, recording.attempts + 1)
            if transcript is None:
                return
            summary, phi = split_transcript(transcript)
            self.recordings.record_transcript(recording_id, summary, phi)
        self.drafts.handle_transcribed(recording_id)

    def _transcribe_with_retries(self, recording_id: str, recording: Recording,
                                 first_attempt: int) -> Transcript | None:
        max_attempts = self.retries.max_attempts
        for attempt in range(first_attempt, max_attempts + 1):
            self.recordings.start_transcription(recording_id, attempt)
            try:
                return self._transcribe(recording)
            except Exception as error:  # noqa: BLE001 - any backend failure is retried
                reason = f"{type(error).__name__}: transcription failed"
                self.recordings.record_failure(recording_id, reason, attempt)
                self.retries.after_failure(attempt)
        self.recordings.dead_letter(recording_id, f"gave up after {max_attempts} attempts")
        return None

    def _transcribe(self, recording: Recording) -> Transcript:
        started = self.clock()
        transcript = self.transcriber.transcribe(self.blobs.path(recording.blob_key))
        elapsed = self.clock() - started
        duration = transcript.get("duration_s") or recording.duration_s or 0.0
        transcript["metrics"] = {"processing_s": round(elapsed, 3),
                                 "rtf": round(elapsed / duration, 4) if duration else None}
        return transcript
