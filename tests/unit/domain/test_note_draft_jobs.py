"""Drafting the AI note is its own step (issue 15, finding 5; D55).

Over the in-memory event store with real aggregates and the real extractive generator: a
transcript saved just before a crash still gets its draft when the upload is redelivered, and a
generator that keeps failing leaves a NoteDraftFailed outcome instead of nothing.
"""

from __future__ import annotations

import json
from typing import Any

from medisync.application.recordings import RecordingService
from medisync.application.retries import Retries
from medisync.application.transcription_jobs import TranscriptionJobs, split_transcript
from medisync.domain.clinical_note import ClinicalNote
from medisync.domain.recording import Recording
from medisync.ml.notes import ExtractiveNoteGenerator
from tests.conftest import FIXTURES
from tests.unit.application.fakes import NoReadModels
from tests.support.clinic import Clinic


class _TranscriberNotExpected:
    """The transcript is already saved: transcribing again would be a second, different record."""

    def transcribe(self, audio_path: str) -> dict[str, Any]:
        raise AssertionError("a saved transcript must not be transcribed again")


class _BrokenGenerator:
    name = "extractive"

    def generate(self, transcript: dict[str, Any], template: object | None = None) -> dict[str, Any]:
        raise RuntimeError("model file is corrupt")


def _recordings(clinic: Clinic) -> RecordingService:
    """The worker's commands on recordings (uploading is a command of its own, D56)."""
    return RecordingService(clinic.app, NoReadModels())


def _transcribed_recording(clinic: Clinic) -> tuple[str, str]:
    appointment_id = clinic.visit()
    recording_id = clinic.upload(appointment_id)
    truth = json.loads((FIXTURES / "dev-07-hypertension.truth.json").read_text())
    transcript = {"language": "en", "duration_s": truth["duration"], "text": " ".join(t["text"] for t in truth["turns"]),
                  "segments": [{"start": t["start"], "end": t["end"], "speaker": t["speaker"], "role": t["role"],
                                "text": t["text"]} for t in truth["turns"]]}
    summary, phi = split_transcript(transcript)
    _recordings(clinic).record_transcript(recording_id, summary, phi)  # ... and then the worker died
    return appointment_id, recording_id


def _jobs(clinic: Clinic, generator: Any, sleeps: list[float]) -> TranscriptionJobs:
    return TranscriptionJobs(_recordings(clinic), clinic.notes, clinic.blobs, _TranscriberNotExpected(), generator,
                             Retries(max_attempts=3, base_s=0.5, sleep=sleeps.append))


def test_a_redelivered_upload_drafts_the_note_a_crash_lost(clinic: Clinic) -> None:
    appointment_id, recording_id = _transcribed_recording(clinic)
    _jobs(clinic, ExtractiveNoteGenerator(), []).handle_uploaded(recording_id)
    note = clinic.app.load(str(ClinicalNote.create_id(appointment_id)), "note", ClinicalNote)
    assert [v["source"] for v in note.versions] == ["ai"]
    assert note.versions[0]["insights"]["vitals"]["bp_systolic"] == 148
    assert _recordings(clinic).load(recording_id).note_draft_status == "completed"
    _jobs(clinic, ExtractiveNoteGenerator(), []).handle_uploaded(recording_id)  # once more: nothing new
    assert len(clinic.app.load(str(note.id), "note", ClinicalNote).versions) == 1


def test_a_failing_generator_is_retried_then_recorded_as_failed(clinic: Clinic) -> None:
    appointment_id, recording_id = _transcribed_recording(clinic)
    sleeps: list[float] = []
    _jobs(clinic, _BrokenGenerator(), sleeps).handle_uploaded(recording_id)
    recording = _recordings(clinic).load(recording_id)
    assert recording.note_draft_status == "failed" and "RuntimeError" in recording.last_error
    assert "corrupt" not in recording.last_error  # the reason names the failure, never its message
    assert sleeps == [0.5, 1.0]
    events = [type(e).__name__ for e in clinic.app.repository.event_store.get(recording.id)]
    assert events[-1] == "NoteDraftFailed" and Recording.NoteDraftFailed.__name__ == "NoteDraftFailed"
    assert not clinic.app.exists(ClinicalNote.create_id(appointment_id))
    _jobs(clinic, ExtractiveNoteGenerator(), []).handle_uploaded(recording_id)  # the outcome stands
    assert _recordings(clinic).load(recording_id).note_draft_status == "failed"
