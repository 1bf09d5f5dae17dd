"""Stage an upload the way the HTTP layer spools one (``BlobStore.stage``, D56)."""

from __future__ import annotations

from medisync.application.ports import BlobStore, StagedBlob


def staged(blobs: BlobStore, content: bytes) -> StagedBlob:
    writer = blobs.stage()
    writer.write(content)
    return writer.finish()
