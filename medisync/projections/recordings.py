"""Read model: ``recordings`` and their ``transcripts``."""

from __future__ import annotations

from medisync.domain.patient import Patient
from medisync.domain.recording import Recording
from medisync.projections.base import ReadModelProjection, oid, stamp
from medisync.projections.changes import ViewChange, delete, insert, update


def _uploaded(e: Recording.Uploaded) -> list[ViewChange]:
    return [insert("recordings", id=oid(e), practice_id=e.practice_id,
                   appointment_id=e.appointment_id, patient_id=e.patient_id,
                   doctor_id=e.doctor_id, blob_key=e.blob_key, sha256=e.sha256,
                   sha1=getattr(e, "sha1", None),
                   size_bytes=e.size_bytes, content_type=e.content_type, duration_s=e.duration_s,
                   uploaded_by=e.actor.get("user_id"), deleted=False,
                   transcription_status="pending", attempts=0, note_draft_status="pending",
                   created_at=e.timestamp, **stamp(e))]


def _deleted(e: Recording.Deleted) -> list[ViewChange]:
    return [update("recordings", {"id": oid(e)}, deleted=True, deleted_by=e.actor.get("user_id"),
                   deleted_at=e.timestamp, **stamp(e))]


def _started(e: Recording.TranscriptionStarted) -> list[ViewChange]:
    return [update("recordings", {"id": oid(e)}, transcription_status="processing",
                   attempts=e.attempt, **stamp(e))]


def _transcribed(e: Recording.Transcribed) -> list[ViewChange]:
    document = {**e.summary, **e.phi}
    return [update("recordings", {"id": oid(e)}, transcription_status="completed", error=None,
                   **stamp(e)),
            insert("transcripts", recording_id=oid(e), patient_id=e.patient_id, document=document,
                   created_at=e.timestamp, recording_version=e.originator_version)]


def _failed(e: Recording.TranscriptionFailed) -> list[ViewChange]:
    return [update("recordings", {"id": oid(e)}, transcription_status="failed", error=e.reason,
                   attempts=e.attempt, **stamp(e))]


def _dead_lettered(e: Recording.DeadLettered) -> list[ViewChange]:
    return [update("recordings", {"id": oid(e)}, transcription_status="dead_lettered",
                   error=e.reason, **stamp(e))]


def _note_drafted(e: Recording.NoteDrafted) -> list[ViewChange]:
    return [update("recordings", {"id": oid(e)}, note_draft_status="completed", **stamp(e))]


def _note_draft_failed(e: Recording.NoteDraftFailed) -> list[ViewChange]:
    return [update("recordings", {"id": oid(e)}, note_draft_status="failed", error=e.reason, **stamp(e))]


def _patient_erased(e: Patient.Erased) -> list[ViewChange]:
    return [delete("transcripts", patient_id=oid(e)), delete("recordings", patient_id=oid(e))]


class RecordingsProjection(ReadModelProjection):
    name = "recordings"
    tables = ("recordings", "transcripts")
    handlers = {
        Recording.Uploaded: _uploaded,
        Recording.Deleted: _deleted,
        Recording.TranscriptionStarted: _started,
        Recording.Transcribed: _transcribed,
        Recording.TranscriptionFailed: _failed,
        Recording.DeadLettered: _dead_lettered,
        Recording.NoteDrafted: _note_drafted,
        Recording.NoteDraftFailed: _note_draft_failed,
        Patient.Erased: _patient_erased,
    }
