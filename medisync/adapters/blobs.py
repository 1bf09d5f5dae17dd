"""FilesystemBlobStore: content-addressed files under ``<data_dir>/blobs``.

Blobs are named by their sha256, so an upload is written once however often
it is sent, and a key never reveals a client's filename. The next adapter is
S3 (same port, key = sha256), for deployments with more than one host.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_KEY = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1 << 20


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

    def put(self, stream: BinaryIO) -> tuple[str, str, int]:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp_path: str | None = None
        try:
            with tempfile.NamedTemporaryFile(dir=self.root, delete=False) as tmp:
                tmp_path = tmp.name
                key, size = _copy_hashing(stream, tmp)
            os.replace(tmp_path, self._path(key))
        except OSError as error:
            if tmp_path:
                Path(tmp_path).unlink(missing_ok=True)
            raise BlobStorageError("blob storage is unavailable") from error
        return key, key, size

    def put_file(self, path: str) -> StoredBlob:
        """Adopt a file already written under ``staging_dir()``, by renaming it."""
        try:
            with open(path, "rb") as source:
                sha256, sha1 = hashlib.sha256(), hashlib.sha1(usedforsecurity=False)
                for chunk in iter(lambda: source.read(CHUNK), b""):
                    sha256.update(chunk)
                    sha1.update(chunk)
            key = sha256.hexdigest()
            size = os.path.getsize(path)
            os.replace(path, self._path(key))
        except OSError as error:
            raise BlobStorageError("blob storage is unavailable") from error
        return StoredBlob(key, key, sha1.hexdigest(), size)

    def staging_dir(self) -> str:
        """Where uploads are spooled, on the same filesystem as the blobs."""
        staging = self.root / "staging"
        try:
            staging.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise BlobStorageError("blob storage is unavailable") from error
        return str(staging)

    def open(self, blob_key: str) -> BinaryIO:
        return open(self._path(blob_key), "rb")

    def path(self, blob_key: str) -> str:
        return str(self._path(blob_key))

    def exists(self, blob_key: str) -> bool:
        return self._path(blob_key).exists()

    def delete(self, blob_key: str) -> None:
        self._path(blob_key).unlink(missing_ok=True)

    def _path(self, blob_key: str) -> Path:
        if not _KEY.match(blob_key):
            raise ValueError("invalid blob key")
        return self.root / blob_key


def _copy_hashing(source: BinaryIO, target: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    target.flush()
    os.fsync(target.fileno())
    return digest.hexdigest(), size
