"""Blobs are content-addressed, so identical files share one blob: delete it
only when no other live recording or document still points at it."""

from __future__ import annotations

from medisync.application.ports import BlobReferences, BlobStore


def release_blob(blobs: BlobStore, references: BlobReferences, blob_key: str, owner_id: str) -> None:
    if not references.blob_in_use(blob_key, owner_id):
        blobs.delete(blob_key)
