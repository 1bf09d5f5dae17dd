"""Audio retention: raw visit audio older than the retention period is
deleted; the transcript and the note stay.

Each deletion is a ``Recording.Deleted`` event with reason ``retention`` and
the system as its actor (the request id names the run), recorded before the
blob is removed, exactly like a clinician's ``DELETE /recordings/...``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Protocol

from medisync.application.app import MediSyncApplication, retry_on_conflict
from medisync.application.audit.records import ExpiredRecording
from medisync.application.blob_release import release_blob
from medisync.application.ports import BlobReferences, BlobStore
from medisync.domain.actor import system_actor
from medisync.domain.recording import Recording

REASON = "retention"


class RetentionReads(Protocol):
    def recordings_uploaded_before(self, cutoff: datetime) -> list[ExpiredRecording]:
        """Recordings not deleted, oldest first."""


@dataclass
class RetentionResult:
    cutoff: datetime
    candidates: int = 0
    deleted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class RetentionService:
    def __init__(self, app: MediSyncApplication, reads: RetentionReads, blobs: BlobStore,
                 references: BlobReferences) -> None:
        self.app = app
        self.reads = reads
        self.blobs = blobs
        self.references = references

    @staticmethod
    def cutoff(days: int, now: datetime | None = None) -> datetime:
        if days < 0:
            raise ValueError("the retention period cannot be negative")
        return (now or datetime.now(timezone.utc)) - timedelta(days=days)

    def expired(self, days: int, now: datetime | None = None) -> tuple[datetime, list[ExpiredRecording]]:
        cutoff = self.cutoff(days, now)
        return cutoff, self.reads.recordings_uploaded_before(cutoff)

    def run(self, days: int, now: datetime | None = None, run_id: str = "",
            on_each: Callable[[str, bool], None] | None = None) -> RetentionResult:
        cutoff, rows = self.expired(days, now)
        result = RetentionResult(cutoff, len(rows))
        request_id = f"retention-{run_id or cutoff.strftime('%Y%m%dT%H%M%S')}"
        for row in rows:
            recording_id = str(row["id"])
            deleted = self.delete_audio(recording_id, cutoff, request_id)
            (result.deleted if deleted else result.skipped).append(recording_id)
            if on_each is not None:
                on_each(recording_id, deleted)
        return result

    def delete_audio(self, recording_id: str, cutoff: datetime, request_id: str) -> bool:
        """Record the deletion (system actor, reason retention), then remove the blob."""
        def command() -> Recording | None:
            recording = self.app.load(recording_id, "recording", Recording)
            uploaded = recording.created_on
            if recording.deleted or (uploaded is not None and uploaded >= cutoff):
                return None
            actor = system_actor(recording.practice_id, request_id)
            recording.delete(phi={"reason": REASON}, actor=actor)
            self.app.commit(recording)
            return recording

        recording = retry_on_conflict(command)
        if recording is None:
            return False
        release_blob(self.blobs, self.references, recording.blob_key, recording_id)
        return True
