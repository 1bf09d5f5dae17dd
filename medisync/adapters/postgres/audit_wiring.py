"""Build the audit components for the composition root (the audit component
of ``interface/bootstrap.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from medisync.adapters.postgres.access_log_writer import AsyncAccessLogWriter
from medisync.adapters.postgres.audit_follower import AuditChainFollower, EventChainer
from medisync.adapters.postgres.audit_retention import PostgresRetentionReads
from medisync.adapters.postgres.audit_signing import Ed25519CheckpointSigner
from medisync.adapters.postgres.audit_store import PostgresAuditStore
from medisync.application.audit import verify as verification
from medisync.application.audit.blob_check import GRACE_S, BlobFiles, verify_blobs
from medisync.application.audit.records import ChainSummary, NewCheckpoint
from medisync.application.audit.retention import RetentionService
from medisync.application.audit.service import AuditService
from medisync.application.queries.rows import LiveBlobRow


@dataclass
class AuditComponents:
    store: PostgresAuditStore
    signer: Ed25519CheckpointSigner
    chainer: EventChainer
    service: AuditService
    retention: RetentionService
    database_url: str
    checkpoint_interval_s: float
    events_table: str
    blob_files: BlobFiles
    live_blobs: Callable[[], list[LiveBlobRow]]

    def follower(self, on_progress: Callable[[str, int], None] | None = None,
                 subscribe: Callable[[int | None, tuple[str, ...]], Any] | None = None) -> AuditChainFollower:
        return AuditChainFollower(self.chainer, self.store, self.signer, self.checkpoint_interval_s,
                                  on_progress, subscribe)

    def access_log_writer(self) -> AsyncAccessLogWriter:
        """The HTTP access-log batcher's writer, on the API's loop with a connection of its own:
        it is flushed at shutdown after the container has closed its own pools (D32, D70)."""
        return AsyncAccessLogWriter(self.database_url)

    def verify(self, progress: Callable[[str, int], None] | None = None,
               catch_up: bool = True, orphan_grace_s: float = GRACE_S) -> dict[str, bool | ChainSummary]:
        if catch_up:
            self.chainer.catch_up()
        blobs = verify_blobs(self.live_blobs(), self.blob_files, progress, orphan_grace_s)
        return verification.verify(self.store, self.signer.verify, progress, blobs)

    def checkpoint(self) -> NewCheckpoint | None:
        self.chainer.catch_up()
        return self.store.add_checkpoint(self.signer)


def audit_key_path(settings: Any) -> str:
    configured = getattr(settings, "audit_key_file", None)
    return configured or str(Path(settings.data_dir) / "keys" / "audit-ed25519.pem")


def build_audit(container: Any) -> AuditComponents:
    settings, app = container.settings, container.app
    shared = container.datastore
    events_table = app.recorder.events_table_name
    store = PostgresAuditStore(shared, events_table)
    store.create_tables()
    signer = Ed25519CheckpointSigner.from_file(audit_key_path(settings))
    chainer = EventChainer(app, store)
    return AuditComponents(
        store=store, signer=signer, chainer=chainer,
        service=AuditService(app, store, chainer, signer),
        retention=RetentionService(app, PostgresRetentionReads(shared), container.blobs, container.reads),
        database_url=container.database_url,
        checkpoint_interval_s=float(getattr(settings, "audit_checkpoint_interval_s", 300.0)),
        events_table=events_table, blob_files=container.blobs, live_blobs=container.reads.live_blobs)
