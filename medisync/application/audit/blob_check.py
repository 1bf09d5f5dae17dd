"""Re-hash the stored files that live records point at (``medisync audit verify``).

The hash chains protect the events, and the events record each upload's
SHA-256; the files themselves live outside the database. Re-hashing a file
and comparing with that recorded digest shows any change to its bytes, and a
file that is gone is reported as missing. Files removed on purpose (deleted
recordings and documents, erasure, retention) have no live record, so they
are not expected.

The other way round, every file in blob storage that no live record
references is reported as ``unreferenced``: PHI on disk that no erasure
would ever find (an upload refused or interrupted between storing its file
and committing its record, a deletion that crashed before removing the file).
So is a spooled upload left in the staging directory. Files younger than a
grace period are skipped: an upload may be in flight, or committed but not
yet in the read model this check reads.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any, BinaryIO, Callable, Iterable, Mapping, Protocol

from medisync.application.audit.chain import ChainReport

CHUNK = 1 << 20
GRACE_S = 900.0


class BlobFiles(Protocol):
    def exists(self, blob_key: str) -> bool: ...

    def open(self, blob_key: str) -> BinaryIO: ...

    def listing(self) -> Iterable[tuple[str, float]]:
        """(name, last modified as epoch seconds) of every stored file, and of
        every spooled upload as ``staging/<name>``."""


def verify_blobs(records: Iterable[Mapping[str, Any]], files: BlobFiles,
                 progress: Callable[[str, int], None] | None = None, grace_s: float = GRACE_S,
                 now: float | None = None) -> ChainReport:
    records = list(records)
    report = ChainReport("blobs")
    _check_records(records, files, report, progress)
    referenced = {record["blob_key"] for record in records}
    cutoff = (time.time() if now is None else now) - grace_s
    for name, modified in sorted(files.listing()):
        if name not in referenced and modified <= cutoff:
            report.add(len(records), "unreferenced", _unreferenced(name), blob_key=name)
    return report


def _unreferenced(name: str) -> str:
    if name.startswith("staging/"):
        return f"{name}: an upload spooled but never stored (interrupted); delete it"
    return f"blob {name}: no live recording or document references it (PHI without a record)"


def _check_records(records: list[Mapping[str, Any]], files: BlobFiles, report: ChainReport,
                   progress: Callable[[str, int], None] | None) -> None:
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


def _sha256(files: BlobFiles, blob_key: str) -> str | None:
    if not files.exists(blob_key):
        return None
    digest = hashlib.sha256()
    with files.open(blob_key) as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
