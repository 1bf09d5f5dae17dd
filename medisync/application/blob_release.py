"""Delete a record's file once the record's deletion is recorded.

Since D26 every upload has its own blob, so the check below only matters for
blobs stored before it, when byte-identical uploads shared one file: such a
file is kept while another live recording or document still points at it.
"""

from __future__ import annotations

from medisync.application.ports import BlobReferences, BlobStore


def release_blob(blobs: BlobStore, references: BlobReferences, blob_key: str, owner_id: str) -> None:
    if not references.blob_in_use(blob_key, owner_id):
        blobs.delete(blob_key)
