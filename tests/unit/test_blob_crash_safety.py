"""FilesystemBlobStore after a crash (D60): the startup sweep removes what a killed
process left spooled, never an upload of a process that still runs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from medisync.adapters.blobs import FilesystemBlobStore, StagingSweep
from tests.support.blobs import staged

# A process that spools half an upload and is killed (SIGKILL) before finishing it.
KILLED_MID_UPLOAD = textwrap.dedent("""
    import os, signal, sys
    from medisync.adapters.blobs import FilesystemBlobStore
    writer = FilesystemBlobStore(sys.argv[1]).stage()
    writer.write(b"half of a visit's audio" * 100)
    writer.handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)
""")


def _killed_mid_upload(root: Path) -> None:
    done = subprocess.run([sys.executable, "-c", KILLED_MID_UPLOAD, str(root)], capture_output=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == -9, done.stderr


def _staged_names(blobs: FilesystemBlobStore) -> list[str]:
    return sorted(name for name, _ in blobs.listing() if name.startswith("staging/"))


def test_the_sweep_removes_a_killed_process_upload_and_keeps_a_live_one(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    _killed_mid_upload(root)
    live = FilesystemBlobStore(str(root))
    in_flight = live.stage()
    in_flight.write(b"an upload still arriving")
    in_flight.handle.flush()
    finished = staged(live, b"spooled, its command not run yet")
    assert len(_staged_names(live)) == 3

    swept = FilesystemBlobStore(str(root)).sweep_staging()  # as another process starting

    assert swept == StagingSweep(files=1, size=len(b"half of a visit's audio" * 100), owners=1)
    assert _staged_names(live) == sorted(f"staging/{Path(p).name}" for p in (in_flight.handle.name, finished.path))
    assert live.commit(finished).size == len(b"spooled, its command not run yet")
    assert FilesystemBlobStore(str(root)).sweep_staging() == StagingSweep(0, 0, 0)
    in_flight.abandon()


def test_the_sweep_removes_files_spooled_before_owners_existed(tmp_path: Path) -> None:
    staging = tmp_path / "blobs" / "staging"
    staging.mkdir(parents=True)
    (staging / "tmpa1b2c3d4").write_bytes(b"an upload of the old layout")
    assert FilesystemBlobStore(str(tmp_path / "blobs")).sweep_staging() == StagingSweep(1, 27, 0)
    assert list(staging.iterdir()) == []


def test_a_store_whose_lock_was_swept_claims_another(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    blobs = FilesystemBlobStore(str(root))
    first = staged(blobs, b"one")
    lock = next((root / "staging").glob("*.lock"))
    lock.unlink()  # as if a sweep had taken it before this process locked it
    second = staged(blobs, b"two")
    assert Path(second.path).name.split("-")[0] != Path(first.path).name.split("-")[0]
    assert len(list((root / "staging").glob("*.lock"))) == 1
