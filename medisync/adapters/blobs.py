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
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

_KEY = re.compile(r"^[0-9a-f]{64}(-[0-9a-f]{32})?$")
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

    def put_file(self, path: str) -> StoredBlob:
        """Adopt a file already written under ``staging_dir()``, by renaming it."""
        try:
            with open(path, "rb") as source:
                sha256, sha1 = hashlib.sha256(), hashlib.sha1(usedforsecurity=False)
                for chunk in iter(lambda: source.read(CHUNK), b""):
                    sha256.update(chunk)
                    sha1.update(chunk)
            key = f"{sha256.hexdigest()}-{uuid.uuid4().hex}"
            size = os.path.getsize(path)
            os.replace(path, self._path(key))
        except OSError as error:
            raise BlobStorageError("blob storage is unavailable") from error
        return StoredBlob(key, sha256.hexdigest(), sha1.hexdigest(), size)

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



def _stat(entry: os.DirEntry[str], prefix: str) -> Iterator[tuple[str, float]]:
    try:
        yield prefix + entry.name, entry.stat().st_mtime
    except FileNotFoundError:  # removed meanwhile (an upload finished or was discarded)
        return
