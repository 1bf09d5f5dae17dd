"""The ML worker's jobs on the in-memory event store, built by ``bootstrap`` with fake ports (D58).

Transcription: retried with backoff, dead-lettered after the last attempt, resumed at the next
attempt on redelivery, and abandoned quietly when the recording is deleted meanwhile. Drafting:
its own retries and its own outcome. The waits are recorded, not taken; the clock steps.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from medisync.application.retries import Retries
from medisync.domain.actor import system_actor
from medisync.domain.clinical_note import ClinicalNote
from medisync.domain.errors import NotFoundError
from medisync.domain.recording import Recording
from medisync.interface.bootstrap import bootstrap
from medisync.interface.settings import Settings
from tests.unit.application.fakes import (PRACTICE, UNREACHABLE, ScriptedGenerator, ScriptedTranscriber,
                                          SteppingClock, uploaded_recording, worker)

TRANSCRIBED_AT_LAST = ["Uploaded", "TranscriptionStarted", "TranscriptionFailed", "TranscriptionStarted",
                       "TranscriptionFailed", "TranscriptionStarted", "Transcribed", "NoteDrafted"]


def test_the_worker_is_built_from_fakes_and_nothing_else(tmp_path: Path) -> None:
    work = worker(tmp_path, ScriptedTranscriber(), ScriptedGenerator())
    built = work.container
    assert built.jobs is not None and built.recordings is not None and built.notes is not None
    # The worker process opens no database pool and builds nothing the API alone runs.
    assert (built.database_url, built.datastore, built.identity, built.sessions, built.audit) == (None,) * 5
    assert built.views == {} and built.queries == {}


def test_bootstrap_refuses_a_component_it_does_not_know() -> None:
    with pytest.raises(TypeError, match="transcribr"):
        bootstrap(Settings(database_url=UNREACHABLE), ("jobs",), transcribr=ScriptedTranscriber())


def test_a_failing_transcription_is_retried_with_doubling_waits_then_saved(tmp_path: Path) -> None:
    work = worker(tmp_path, ScriptedTranscriber(failures=2), ScriptedGenerator(), clock=SteppingClock(1.5))
    appointment_id, recording_id = uploaded_recording(work)
    work.container.jobs.handle_uploaded(recording_id)  # type: ignore[union-attr]

    recording = work.recording(recording_id)
    assert work.event_names(recording_id) == TRANSCRIBED_AT_LAST
    assert (recording.transcription_status, recording.attempts, recording.note_draft_status) == (
        "completed", 3, "completed")
    assert work.waits == [0.5, 1.0]  # after attempts 1 and 2
    assert recording.transcript["metrics"] == {"processing_s": 1.5, "rtf": 0.05}  # 1.5 s for 30 s of audio
    assert len(work.transcriber.calls) == 3 and work.generator.calls == 1
    note = work.app.load(str(ClinicalNote.create_id(appointment_id)), "note", ClinicalNote)
    assert [v["source"] for v in note.versions] == ["ai"]


def test_a_transcription_failing_every_attempt_is_dead_lettered(tmp_path: Path) -> None:
    work = worker(tmp_path, ScriptedTranscriber(failures=99), ScriptedGenerator(), max_attempts=4)
    appointment_id, recording_id = uploaded_recording(work)
    work.container.jobs.handle_uploaded(recording_id)  # type: ignore[union-attr]

    recording = work.recording(recording_id)
    assert recording.transcription_status == "dead_lettered" and recording.attempts == 4
    assert work.event_names(recording_id)[-2:] == ["TranscriptionFailed", "DeadLettered"]
    assert work.waits == [0.5, 1.0, 2.0]  # no wait after the last attempt
    reasons = {e.reason for e in work.app.repository.event_store.get(recording.id)
               if isinstance(e, Recording.TranscriptionFailed)}
    assert reasons == {"ModelFailure: transcription failed"}  # the class, never the message (PHI)
    assert recording.last_error == "gave up after 4 attempts"
    assert not work.app.exists(ClinicalNote.create_id(appointment_id)) and work.generator.calls == 0

    work.container.jobs.handle_uploaded(recording_id)  # type: ignore[union-attr]  # redelivered
    assert len(work.transcriber.calls) == 4 and work.event_names(recording_id)[-1] == "DeadLettered"


def test_a_redelivered_job_resumes_at_the_next_attempt(tmp_path: Path) -> None:
    work = worker(tmp_path, ScriptedTranscriber(failures=99), ScriptedGenerator())
    _, recording_id = uploaded_recording(work)
    work.container.recordings.start_transcription(recording_id, 1)  # type: ignore[union-attr]
    # ... and the worker died during attempt 1.
    work.container.jobs.handle_uploaded(recording_id)  # type: ignore[union-attr]

    started = [e.attempt for e in work.app.repository.event_store.get(work.recording(recording_id).id)
               if isinstance(e, Recording.TranscriptionStarted)]
    assert started == [1, 2, 3] and len(work.transcriber.calls) == 2
    assert work.waits == [1.0]  # the wait after attempt 2; attempt 3 is the last
    assert work.recording(recording_id).transcription_status == "dead_lettered"


def test_audio_deleted_during_transcription_ends_the_job_without_a_transcript(tmp_path: Path) -> None:
    transcriber = ScriptedTranscriber()
    work = worker(tmp_path, transcriber, ScriptedGenerator())
    _, recording_id = uploaded_recording(work)

    def delete_meanwhile() -> None:
        recording = work.recording(recording_id)
        recording.delete(phi={"reason": "consent withdrawn"},
                         actor=system_actor(PRACTICE))
        work.app.save(recording)
    transcriber.on_call = delete_meanwhile
    work.container.jobs.handle_uploaded(recording_id)  # type: ignore[union-attr]  # ends quietly

    assert work.event_names(recording_id)[-2:] == ["TranscriptionStarted", "Deleted"]
    assert work.generator.calls == 0


def test_a_job_for_a_recording_that_does_not_exist_ends_quietly(tmp_path: Path) -> None:
    work = worker(tmp_path, ScriptedTranscriber(), ScriptedGenerator())
    missing = str(uuid.uuid4())
    with pytest.raises(NotFoundError):
        work.container.recordings.load(missing)  # type: ignore[union-attr]
    work.container.jobs.handle_uploaded(missing)  # type: ignore[union-attr]
    assert work.transcriber.calls == []


def test_a_failing_draft_is_retried_on_its_own_then_recorded(tmp_path: Path) -> None:
    work = worker(tmp_path, ScriptedTranscriber(), ScriptedGenerator(failures=1))
    appointment_id, recording_id = uploaded_recording(work)
    work.container.jobs.handle_uploaded(recording_id)  # type: ignore[union-attr]

    assert work.event_names(recording_id)[-2:] == ["Transcribed", "NoteDrafted"]
    assert work.waits == [0.5] and len(work.transcriber.calls) == 1  # the transcript was not redone
    note = work.app.load(str(ClinicalNote.create_id(appointment_id)), "note", ClinicalNote)
    assert note.versions[0]["provenance"]["template"] == "soap"  # no default set: the built-in one


def test_a_draft_failing_every_attempt_leaves_the_transcript_and_a_failed_outcome(tmp_path: Path) -> None:
    work = worker(tmp_path, ScriptedTranscriber(), ScriptedGenerator(failures=99), max_attempts=2)
    appointment_id, recording_id = uploaded_recording(work)
    work.container.jobs.handle_uploaded(recording_id)  # type: ignore[union-attr]

    recording = work.recording(recording_id)
    assert (recording.transcription_status, recording.note_draft_status) == ("completed", "failed")
    assert work.event_names(recording_id)[-2:] == ["Transcribed", "NoteDraftFailed"]
    assert work.waits == [0.5] and work.generator.calls == 2
    assert "ModelFailure" in recording.last_error and "Rosa" not in recording.last_error
    assert not work.app.exists(ClinicalNote.create_id(appointment_id))


def test_retries_double_the_wait_and_never_wait_after_the_last_attempt() -> None:
    waits: list[float] = []
    retries = Retries(max_attempts=4, base_s=2.0, sleep=waits.append)
    for attempt in range(1, 5):
        retries.after_failure(attempt)
    assert waits == [2.0, 4.0, 8.0] == [retries.delay_s(a) for a in (1, 2, 3)]
