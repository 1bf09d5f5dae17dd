"""A rebuilt read model equals the incrementally built one, row for row."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from typing import Iterator

import psycopg
import pytest

from tests.support.api import create_patient, invite, register_practice, schedule
from tests.support.processes import fresh_database
from tests.support.server import REPO, ServerProcess

TABLES = {"appointments": "appointments", "patients": "patients", "notes": "note_versions"}


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[tuple[ServerProcess, str]]:
    url = fresh_database(database_url)
    server = ServerProcess(tmp_path_factory.mktemp("rebuild"), url, {"MEDISYNC_KAFKA_BOOTSTRAP": ""}).start()
    admin = register_practice(server.api)
    doctor = invite(admin, "doctor")
    for index in range(12):
        patient = create_patient(admin, last_name=f"Rebuild{index}")
        appointment = schedule(admin, patient["id"], doctor.id, start=f"2027-03-{index + 1:02d}T09:00:00+00:00")
        if index % 3 == 0:
            admin.post(f"/appointments/{appointment['id']}/cancel", json={"reason": "r"})
        if index % 4 == 1:
            doctor.post(f"/notes/add/{appointment['id']}", json={"subjective": f"s{index}"})
            doctor.post(f"/notes/{appointment['id']}/sign")
        admin.patch(f"/patients/{patient['id']}", json={"phone": f"+1-555-01{index:02d}"})
    yield server, url
    server.stop()


def _checksum(url: str, table: str) -> tuple[int, str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(f"SELECT t::text FROM read.{table} t ORDER BY t::text").fetchall()
    digest = hashlib.sha256("\n".join(r[0] for r in rows).encode()).hexdigest()
    return len(rows), digest


@pytest.mark.parametrize("projection", sorted(TABLES))
def test_rebuilt_table_equals_incremental(populated: tuple[ServerProcess, str], projection: str) -> None:
    server, url = populated
    incremental = _checksum(url, TABLES[projection])
    assert incremental[0] > 0
    env = {**server.env, "MEDISYNC_DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "medisync.interface.cli", "project", "--rebuild", projection],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "rebuilt" in done.stdout
    assert _checksum(url, TABLES[projection]) == incremental
