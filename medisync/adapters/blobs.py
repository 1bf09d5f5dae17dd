"""FilesystemBlobStore: one file per upload under ``<data_dir>/blobs``.

A blob is named ``<sha256>-<random>`` (D26): the digest lets an operator
match a file to its record, the random part gives every upload its own file,
so deleting one record's file can never take another record's bytes, and a
key never reveals a client's filename. Blobs stored before D26 are named by
the bare sha256 and may be shared; ``release_blob`` still checks for that.
The next adapter is S3 (same port and keys), for more than one host.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Iterator

from medisync.application.ports import StagedBlob

_KEY = re.compile(r"^[0-9a-f]{64}(-[0-9a-f]{32})?$")


class BlobStorageError(Exception):
    """The store could not persist a blob (disk full, unwritable)."""


@dataclass(frozen=True)
class StoredBlob:
    """A blob as stored: its key and the digests clients verify it by.

    sha1 is kept because FHIR's Attachment.hash is a SHA-1 (base64)."""

    key: str
    sha256: str
    sha1: str
    size: int


class FilesystemBlobStore:
    def __init__(self, root: str) -> None:
        self.root = Path(root)

    def stage(self) -> "StagingFile":
        """A new file under ``staging/`` (same filesystem as the blobs, so commit is a rename)."""
        with storage_errors():
            staging = self.root / "staging"
            staging.mkdir(parents=True, exist_ok=True)
            return StagingFile(tempfile.NamedTemporaryFile(dir=staging, delete=False))

    def commit(self, staged: StagedBlob) -> StoredBlob:
        """Adopt a staged upload as a new blob, by renaming it; its digests were taken as it was written."""
        key = f"{staged.sha256}-{uuid.uuid4().hex}"
        with storage_errors():
            os.replace(self._staged_path(staged), self._path(key))
        return StoredBlob(key, staged.sha256, staged.sha1, staged.size)

    def discard(self, staged: StagedBlob) -> None:
        self._staged_path(staged).unlink(missing_ok=True)

    def _staged_path(self, staged: StagedBlob) -> Path:
        path = Path(os.path.abspath(staged.path))
        if path.parent != Path(os.path.abspath(self.root / "staging")):
            raise ValueError("not a staged upload of this store")
        return path

    def open(self, blob_key: str) -> BinaryIO:
        return open(self._path(blob_key), "rb")

    def path(self, blob_key: str) -> str:
        return str(self._path(blob_key))

    def exists(self, blob_key: str) -> bool:
        return self._path(blob_key).exists()

    def delete(self, blob_key: str) -> None:
        self._path(blob_key).unlink(missing_ok=True)

    def listing(self) -> Iterator[tuple[str, float]]:
        """(key, mtime) of every blob, and ``staging/<name>`` of every spooled upload."""
        for folder, prefix in ((self.root, ""), (self.root / "staging", "staging/")):
            try:
                entries = list(os.scandir(folder))
            except FileNotFoundError:
                continue
            for entry in entries:
                if entry.is_file() and (prefix or _KEY.match(entry.name)):
                    yield from _stat(entry, prefix)

    def _path(self, blob_key: str) -> Path:
        if not _KEY.match(blob_key):
            raise ValueError("invalid blob key")
        return self.root / blob_key


class StagingFile:
    """An upload being written to ``staging/``: its size and digests are taken as it is written."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.size = 0
        self.sha256, self.sha1 = hashlib.sha256(), hashlib.sha1(usedforsecurity=False)

    def write(self, chunk: bytes) -> None:
        with storage_errors():
            self.handle.write(chunk)
        self.size += len(chunk)
        self.sha256.update(chunk)
        self.sha1.update(chunk)

    def finish(self) -> StagedBlob:
        with storage_errors():
            self.handle.close()  # flushes: a full disk may only show here
        return StagedBlob(self.handle.name, self.size, self.sha256.hexdigest(), self.sha1.hexdigest())

    def abandon(self) -> None:
        try:
            self.handle.close()
        except OSError:
            pass  # a full disk: the file goes anyway
        Path(self.handle.name).unlink(missing_ok=True)


@contextmanager
def storage_errors() -> Iterator[None]:
    """A file we cannot write (disk full, too large, unwritable) is the store's failure (507)."""
    try:
        yield
    except OSError as error:
        raise BlobStorageError("blob storage is unavailable") from error


def _stat(entry: os.DirEntry[str], prefix: str) -> Iterator[tuple[str, float]]:
    try:
        yield prefix + entry.name, entry.stat().st_mtime
    except FileNotFoundError:  # removed meanwhile (an upload finished or was discarded)
        return
