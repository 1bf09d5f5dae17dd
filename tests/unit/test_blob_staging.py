"""FilesystemBlobStore's staging (D56): an upload's size and digests are taken as it is
spooled, commit is a rename into the store, discard and abandon leave nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from medisync.adapters.blobs import BlobStorageError, FilesystemBlobStore
from medisync.application.ports import StagedBlob

CHUNKS = [b"RIFF", b"....WAVE", bytes(range(256)) * 300]
CONTENT = b"".join(CHUNKS)


def _spooled(blobs: FilesystemBlobStore) -> StagedBlob:
    writer = blobs.stage()
    for chunk in CHUNKS:
        writer.write(chunk)
    return writer.finish()


def test_staging_takes_the_digests_and_commit_moves_the_file_in(tmp_path: Path) -> None:
    blobs = FilesystemBlobStore(str(tmp_path / "blobs"))
    staged = _spooled(blobs)
    assert (staged.size, staged.sha256, staged.sha1) == (
        len(CONTENT), hashlib.sha256(CONTENT).hexdigest(), hashlib.sha1(CONTENT).hexdigest())
    assert [name for name, _ in blobs.listing()] == [f"staging/{Path(staged.path).name}"]

    stored = blobs.commit(staged)

    assert stored.key.startswith(staged.sha256 + "-") and (stored.sha1, stored.size) == (staged.sha1, staged.size)
    assert [name for name, _ in blobs.listing()] == [stored.key]
    assert Path(blobs.path(stored.key)).read_bytes() == CONTENT


def test_discard_and_abandon_leave_nothing(tmp_path: Path) -> None:
    blobs = FilesystemBlobStore(str(tmp_path / "blobs"))
    blobs.discard(_spooled(blobs))
    half = blobs.stage()
    half.write(b"half an upload")
    half.abandon()
    assert list(blobs.listing()) == []
    blobs.discard(StagedBlob(str(tmp_path / "blobs" / "staging" / "gone"), 0, "0" * 64, "0" * 40))  # no error


def test_only_a_staged_upload_of_this_store_can_be_committed_or_discarded(tmp_path: Path) -> None:
    blobs = FilesystemBlobStore(str(tmp_path / "blobs"))
    elsewhere = tmp_path / "notes.txt"
    elsewhere.write_bytes(CONTENT)
    outsider = StagedBlob(str(elsewhere), len(CONTENT), hashlib.sha256(CONTENT).hexdigest(), "0" * 40)
    with pytest.raises(ValueError):
        blobs.commit(outsider)
    with pytest.raises(ValueError):
        blobs.discard(outsider)
    assert elsewhere.read_bytes() == CONTENT


def test_a_store_that_cannot_write_says_so(tmp_path: Path) -> None:
    (tmp_path / "blobs").write_text("not a directory")
    with pytest.raises(BlobStorageError):
        FilesystemBlobStore(str(tmp_path / "blobs")).stage()


def test_delete_removes_the_file_and_a_second_delete_is_a_no_op(tmp_path: Path) -> None:
    blobs = FilesystemBlobStore(str(tmp_path))
    stored = blobs.commit(_spooled(blobs))
    assert blobs.exists(stored.key)
    blobs.delete(stored.key)
    assert not blobs.exists(stored.key) and not (tmp_path / stored.key).exists()
    blobs.delete(stored.key)  # already gone (another release, a retried command): nothing to do
    assert [key for key, _ in blobs.listing()] == []
