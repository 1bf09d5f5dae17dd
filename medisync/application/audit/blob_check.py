"""Re-hash the stored files that live records point at (``medisync audit verify``).

The hash chains protect the events, and the events record each upload's
SHA-256; the files themselves live outside the database. Re-hashing a file
and comparing with that recorded digest shows any change to its bytes, and a
file that is gone is reported as missing. Files removed on purpose (deleted
recordings and documents, erasure, retention) have no live record, so they
are not expected.
"""

from __future__ import annotations

import hashlib
from typing import Any, BinaryIO, Callable, Iterable, Mapping, Protocol

from medisync.application.audit.chain import ChainReport

CHUNK = 1 << 20


class BlobFiles(Protocol):
    def exists(self, blob_key: str) -> bool: ...

    def open(self, blob_key: str) -> BinaryIO: ...


def verify_blobs(records: Iterable[Mapping[str, Any]], files: BlobFiles,
                 progress: Callable[[str, int], None] | None = None) -> ChainReport:
    report = ChainReport("blobs")
    for position, record in enumerate(records, 1):
        report.checked += 1
        if progress is not None:
            progress("blobs", 1)
        what = f"{record['kind']} {record['id']}"
        digest = _sha256(files, record["blob_key"])
        if digest is None:
            report.add(position, "missing", f"{what}: its file is missing", blob_key=record["blob_key"])
        elif digest != record["sha256"]:
            report.add(position, "content_changed", f"{what}: the file's SHA-256 is {digest}, the upload "
                       f"recorded {record['sha256']} (the file was changed)", blob_key=record["blob_key"])
    return report


def _sha256(files: BlobFiles, blob_key: str) -> str | None:
    if not files.exists(blob_key):
        return None
    digest = hashlib.sha256()
    with files.open(blob_key) as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
