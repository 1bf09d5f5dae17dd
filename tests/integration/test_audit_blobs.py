"""`medisync audit verify` re-hashes the files live records point at: a changed
byte in a stored document and a vanished file are both named, by record id.
Real Postgres, the real blob store and the real command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from medisync.application.principal import Principal
from medisync.application.upload_document import UploadDocument
from medisync.interface.bootstrap import Container, bootstrap
from medisync.interface.settings import Settings
from tests.support.blobs import staged
from tests.support.server import REPO
from tests.support.container import env_for, populate, projected
from tests.support.processes import fresh_database


@pytest.fixture
def container(database_url: str, tmp_path: Path) -> Iterator[Container]:
    built = bootstrap(Settings.from_env(env_for(fresh_database(database_url), tmp_path)))
    built.start_projections()  # the documents read model lists the live files
    yield built
    built.close()


def _store_document(container: Container, principal: Principal, patient_id: str, content: bytes) -> str:
    command = UploadDocument(patient_id, "lab_result", "Labs", staged(container.blobs, content), "text/plain")
    return container.commands.upload_document(principal, command).id


def _wait_for_read_models(container: Container, notification_id: int | None) -> None:
    assert notification_id is None or projected(container, notification_id)


def test_verify_names_a_changed_and_a_missing_file(container: Container) -> None:
    principal, patient_id = populate(container)
    changed = _store_document(container, principal, patient_id, b"HbA1c 7.9%\n")
    vanished = _store_document(container, principal, patient_id, b"LDL 3.1 mmol/L\n")
    _wait_for_read_models(container, container.app.recorder.max_notification_id())
    clean = container.audit.verify()
    assert clean["ok"] is True and clean["blobs"]["checked"] == 2

    rows = {str(r["id"]): r["blob_key"] for r in container.reads.live_blobs()}
    path = Path(container.blobs.path(rows[changed]))
    path.write_bytes(path.read_bytes().replace(b"7.9", b"6.9"))
    os.unlink(container.blobs.path(rows[vanished]))

    report = container.audit.verify()
    assert report["ok"] is False
    problems = {p["kind"]: p["message"] for p in report["blobs"]["problems"]}
    assert set(problems) == {"content_changed", "missing"}
    assert f"document {changed}" in problems["content_changed"]
    assert f"document {vanished}" in problems["missing"]
    assert report["events"]["problems"] == []  # the log itself is intact

    done = subprocess.run([sys.executable, "-m", "medisync.interface.cli", "audit", "verify"], cwd=REPO,
                          capture_output=True, text=True, timeout=300,
                          env=env_for(container.database_url, Path(container.settings.data_dir)))
    assert done.returncode == 1, done.stderr[-3000:]
    assert "blobs: BROKEN (2 problem(s)); 2 checked" in done.stdout
    assert "verification FAILED" in done.stdout
