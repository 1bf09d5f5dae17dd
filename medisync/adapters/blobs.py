"""FilesystemBlobStore: one file per upload under ``<data_dir>/blobs``.

A blob is named ``<sha256>-<random>`` (D26): the digest lets an operator
match a file to its record, the random part gives every upload its own file,
so deleting one record's file can never take another record's bytes, and a
key never reveals a client's filename. Blobs stored before D26 are named by
the bare sha256 and may be shared; ``release_blob`` still checks for that.
The next adapter is S3 (same port and keys), for more than one host.

Crash safety (D60): a process spools into ``staging/`` under a name that
starts with its owner id, and holds ``staging/<owner>.lock`` locked for as
long as it lives. ``sweep_staging`` (the API runs it at startup) deletes the
spooled files of every owner whose lock is free: the half-written uploads of
a process that was killed. Committing a staged upload fsyncs the file, renames
it into ``blobs/`` and fsyncs ``blobs/``, before the record is committed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import tempfile
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Iterator

from medisync.application.ports import StagedBlob

_KEY = re.compile(r"^[0-9a-f]{64}(-[0-9a-f]{32})?$")
_OWNED = re.compile(r"^([0-9a-f]{32})-")  # a spooled upload's name starts with its owner's id
LOCK = ".lock"


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


@dataclass(frozen=True)
class StagingSweep:
    """What a startup sweep removed: uploads spooled by processes that have stopped."""

    files: int
    size: int
    owners: int


class FilesystemBlobStore:
    def __init__(self, root: str) -> None:
        self.root = Path(root)
        self._owner: _Owner | None = None
        self._claiming = threading.Lock()

    def stage(self) -> "StagingFile":
        """A new file under ``staging/`` (same filesystem as the blobs, so commit is a rename),
        named after this process's lock, so no sweep takes it while the process lives (D60)."""
        with storage_errors():
            owner = self._staging_owner()
            return StagingFile(tempfile.NamedTemporaryFile(dir=self.root / "staging", prefix=f"{owner}-",
                                                           delete=False))

    def commit(self, staged: StagedBlob) -> StoredBlob:
        """Adopt a staged upload as a new blob, by renaming it; its digests were taken as it was written.
        The file and the rename are on disk (fsync) before this returns, so before any record names it."""
        key, source = f"{staged.sha256}-{uuid.uuid4().hex}", self._staged_path(staged)
        with storage_errors():
            _fsync(source)
            os.replace(source, self._path(key))
            _fsync(self.root, os.O_DIRECTORY)  # the rename itself
        return StoredBlob(key, staged.sha256, staged.sha1, staged.size)

    def sweep_staging(self) -> StagingSweep:
        """Delete what stopped processes left spooled: the files of every owner whose lock is
        free, and files spooled before D60 (no owner in their name)."""
        staging = self.root / "staging"
        with storage_errors():
            names = [e.name for e in _entries(staging) if e.is_file(follow_symlinks=False)]
            stopped = {n[: -len(LOCK)] for n in names if n.endswith(LOCK) and _release_if_stopped(staging / n)}
            left = [n for n in names if not n.endswith(LOCK) and _owner_of(n) in stopped | {None}]
            size = sum(_remove(staging / name) for name in left)
        return StagingSweep(len(left), size, len(stopped))

    def _staging_owner(self) -> str:
        with self._claiming:
            if self._owner is None or not self._owner.held():
                if self._owner is not None:
                    os.close(self._owner.fd)
                    self._owner = None
                self._owner = _Owner.claim(self.root / "staging")
            return self._owner.name

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
        """Remove the file and make the removal durable (fsync of ``blobs/``): an erased or deleted
        recording's audio must not come back after a power loss. A crash before this runs leaves the
        file, which ``medisync audit verify`` reports as an orphan."""
        path = self._path(blob_key)
        if path.exists():
            path.unlink(missing_ok=True)
            _fsync(path.parent, os.O_DIRECTORY)

    def listing(self) -> Iterator[tuple[str, float]]:
        """(key, mtime) of every blob, and ``staging/<name>`` of every spooled upload."""
        for entry in _entries(self.root):
            if entry.is_file() and _KEY.match(entry.name):
                yield from _stat(entry, "")
        for entry in _entries(self.root / "staging"):
            if entry.is_file() and not entry.name.endswith(LOCK):
                yield from _stat(entry, "staging/")

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


@dataclass(frozen=True)
class _Owner:
    """A process's claim on ``staging/``: ``<name>.lock``, held with flock while the process lives
    (the kernel releases it however the process ends)."""

    name: str
    lock: Path
    fd: int

    @classmethod
    def claim(cls, staging: Path) -> "_Owner":
        staging.mkdir(parents=True, exist_ok=True)
        for _attempt in range(8):
            name = uuid.uuid4().hex
            lock = staging / f"{name}{LOCK}"
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits out a sweep that took it between create and lock
            owner = cls(name, lock, fd)
            if owner.held():
                return owner
            os.close(fd)  # that sweep removed it: take another
        raise OSError("no staging lock could be claimed")

    def held(self) -> bool:
        try:
            return os.path.samestat(os.fstat(self.fd), os.stat(self.lock))
        except FileNotFoundError:
            return False


def _release_if_stopped(lock: Path) -> bool:
    """Whether the lock's process has stopped (its lock is free); if so the lock file is
    removed while still held, so a process just claiming it sees it gone and takes another."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False  # another sweep got there first
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False  # its process lives
    try:
        lock.unlink(missing_ok=True)
    finally:
        os.close(fd)
    return True


def _owner_of(name: str) -> str | None:
    owned = _OWNED.match(name)
    return owned.group(1) if owned else None


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        return list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []


def _remove(path: Path) -> int:
    """Delete a file; its size (0 if another sweep removed it first)."""
    try:
        size = path.stat().st_size
        path.unlink()
    except FileNotFoundError:
        return 0
    return size


def _fsync(path: Path, flags: int = 0) -> None:
    fd = os.open(path, os.O_RDONLY | flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
