"""Recording transcription lifecycle and Document rules, with no I/O."""

from __future__ import annotations

from typing import Any

import pytest

from medisync.domain.document import DOCUMENT_KINDS, Document
from medisync.domain.errors import ConflictError, InvalidTransitionError, ValidationError
from medisync.domain.recording import Recording

ACTOR = {"user_id": "u-1", "practice_id": "p-1", "request_id": ""}
SYSTEM = {"user_id": "system", "practice_id": "p-1", "request_id": ""}
SHA = "a" * 64


def names(aggregate: Any) -> list[str]:
    return [type(e).__qualname__ for e in aggregate.collect_events()]


def new_recording() -> Recording:
    recording = Recording(practice_id="p-1", appointment_id="ap-1", patient_id="pat-1",
                          doctor_id="doc-1", blob_key=SHA, sha256=SHA, size_bytes=10,
                          content_type="audio/wav", duration_s=1.5, actor=ACTOR)
    assert names(recording) == ["Recording.Uploaded"]
    return recording


def test_upload_starts_pending_and_remembers_the_uploader() -> None:
    recording = new_recording()
    assert (recording.transcription_status, recording.attempts, recording.transcript) == ("pending", 0, None)
    assert recording.uploaded_by == "u-1" and recording.deleted is False and not recording.is_transcribed


def test_transcription_success_after_a_failed_attempt() -> None:
    recording = new_recording()
    recording.start_transcription(attempt=1, actor=SYSTEM)
    assert (recording.transcription_status, recording.attempts) == ("processing", 1)
    recording.record_failure(reason="timeout", attempt=1, actor=SYSTEM)
    assert (recording.transcription_status, recording.last_error) == ("failed", "timeout")
    recording.start_transcription(attempt=2, actor=SYSTEM)
    recording.record_transcript(summary={"language": "en"}, phi={"text": "hello"}, actor=SYSTEM)
    assert recording.is_transcribed and recording.transcript == {"language": "en", "text": "hello"}
    assert recording.attempts == 2
    assert names(recording) == ["Recording.TranscriptionStarted", "Recording.TranscriptionFailed",
                                "Recording.TranscriptionStarted", "Recording.Transcribed"]


def test_duplicate_transcribed_refused() -> None:
    recording = new_recording()
    recording.record_transcript(summary={}, phi={"text": "first"}, actor=SYSTEM)
    recording.collect_events()
    for redelivered in (lambda: recording.record_transcript(summary={}, phi={"text": "again"}, actor=SYSTEM),
                        lambda: recording.start_transcription(attempt=2, actor=SYSTEM),
                        lambda: recording.record_failure(reason="x", attempt=2, actor=SYSTEM),
                        lambda: recording.dead_letter(reason="x", actor=SYSTEM)):
        with pytest.raises(ConflictError, match="already completed"):
            redelivered()
    assert recording.transcript == {"text": "first"} and recording.collect_events() == []


def test_dead_lettered_accepts_no_more_results() -> None:
    recording = new_recording()
    recording.dead_letter(reason="gave up", actor=SYSTEM)
    assert recording.transcription_status == "dead_lettered"
    with pytest.raises(ConflictError, match="dead_lettered"):
        recording.record_transcript(summary={}, phi={}, actor=SYSTEM)
    assert names(recording) == ["Recording.DeadLettered"]


def test_deleted_recording_refuses_results_and_second_delete() -> None:
    recording = new_recording()
    recording.start_transcription(attempt=1, actor=SYSTEM)
    recording.delete(phi={"reason": "wrong patient"}, actor=ACTOR)
    assert recording.deleted is True
    recording.collect_events()
    for late in (lambda: recording.record_transcript(summary={}, phi={"text": "late"}, actor=SYSTEM),
                 lambda: recording.start_transcription(attempt=2, actor=SYSTEM),
                 lambda: recording.record_failure(reason="x", attempt=2, actor=SYSTEM),
                 lambda: recording.dead_letter(reason="x", actor=SYSTEM)):
        with pytest.raises(InvalidTransitionError, match="deleted"):
            late()
    with pytest.raises(InvalidTransitionError, match="already deleted"):
        recording.delete(phi={}, actor=ACTOR)
    assert recording.transcript is None and recording.collect_events() == []


def test_transcript_made_before_deletion_is_kept() -> None:
    recording = new_recording()
    recording.record_transcript(summary={}, phi={"text": "kept"}, actor=SYSTEM)
    recording.delete(phi={"reason": "r"}, actor=ACTOR)
    assert recording.deleted and recording.transcript == {"text": "kept"}
    assert names(recording)[-1] == "Recording.Deleted"


def new_document(**overrides: Any) -> Document:
    fields = {"practice_id": "p-1", "patient_id": "pat-1", "appointment_id": None, "kind": "lab_result",
              "blob_key": SHA, "sha256": SHA, "size_bytes": 3, "content_type": "application/pdf",
              "phi": {"title": "HbA1c"}, "actor": ACTOR, **overrides}
    return Document.upload(**fields)


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_document_kinds_accepted(kind: str) -> None:
    document = new_document(kind=kind)
    assert (document.kind, document.title, document.deleted) == (kind, "HbA1c", False)
    assert names(document) == ["Document.Uploaded"]


def test_document_unknown_kind_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        new_document(kind="selfie")
    assert refused.value.details == {"field": "kind"}


def test_document_delete_once() -> None:
    document = new_document()
    document.delete(actor=ACTOR)
    assert document.deleted is True
    with pytest.raises(InvalidTransitionError, match="already deleted"):
        document.delete(actor=ACTOR)
    assert names(document) == ["Document.Uploaded", "Document.Deleted"]
