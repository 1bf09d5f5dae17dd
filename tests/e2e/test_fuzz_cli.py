"""schemathesis's own CLI in `make test`: its coverage and stateful phases, which
tests/e2e/test_fuzz.py (hypothesis generation only) does not run, with every check and 5 examples
per operation (D61). `make fuzz` runs the same driver with all four phases and 100 examples.

bench/fuzz.py starts a server of its own on a fresh database of the same Postgres, seeds a
practice, and exits non-zero on any schemathesis failure or any error the server logs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.server import REPO


def test_the_coverage_and_stateful_phases_find_nothing(tmp_path: Path, database_url: str) -> None:
    env = {**os.environ, "MEDISYNC_DATABASE_URL": database_url, "TMPDIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "bench.fuzz", "--examples", "5", "--phases", "coverage,stateful",
         "--report-dir", str(tmp_path / "report")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
