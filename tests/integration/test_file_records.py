"""No file without a record, no record decided from a lagging read model
(issue 15, findings 3, 4 and 7; D31).

Real Postgres and the real filesystem blob store, through the application
commands the HTTP handlers call (D56). The projections are deliberately not
started, so every read model lags forever: whatever these commands decide,
they decide from the write side."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from medisync.application.delete_recordings import DeleteRecordings
from medisync.application.principal import Principal
from medisync.application.upload_document import UploadDocument
from medisync.application.upload_recording import UploadRecording
from medisync.domain.errors import InvalidTransitionError, NotFoundError, ValidationError
from medisync.domain.recording import Recording
from medisync.interface.bootstrap import Container
from tests.support.audio import wav_bytes
from tests.support.blobs import staged
from tests.support.server import REPO
from tests.support.container import env_for, populate, projected


def _doctor(container: Container, admin: Principal) -> str:
    email = f"doc-{uuid.uuid4().hex[:8]}@example.test"
    token, _ = container.identity.invite(admin, email, "doctor", "standard")
    return container.identity.register_invited(email, "correct-horse-9", "Dr Files", token).id


def _visit(container: Container, admin: Principal, patient_id: str, hour: int = 9) -> str:
    return container.appointments.schedule(admin, patient_id, _doctor(container, admin),
                                           f"2027-05-03T{hour:02d}:00:00+00:00", 30, "follow_up", "visit").id


def _recording(container: Container, principal: Principal, appointment_id: str) -> str:
    command = UploadRecording(appointment_id, staged(container.blobs, wav_bytes(1.0)), "audio/wav", 1.0)
    return container.commands.upload_recording(principal, command).id


def _delete_recordings(container: Container, principal: Principal, appointment_id: str, reason: str) -> None:
    container.commands.delete_recordings(principal, DeleteRecordings(appointment_id, reason))


def _files(container: Container) -> list[str]:
    """Every file under blobs/, staged uploads included."""
    return sorted(name for name, _ in container.blobs.listing())


def _document(container: Container, admin: Principal, patient_id: str, appointment_id: str | None = None,
              content: bytes = b"HbA1c 7.9%\n") -> str:
    command = UploadDocument(patient_id, "lab_result", "Labs", staged(container.blobs, content), "text/plain",
                             appointment_id)
    return container.commands.upload_document(admin, command).id


def test_an_upload_to_a_cancelled_appointment_leaves_no_file(container: Container) -> None:
    admin, patient_id = populate(container)
    appointment_id = _visit(container, admin, patient_id)
    container.appointments.cancel(admin, appointment_id, "patient called")
    with pytest.raises(InvalidTransitionError):
        _recording(container, admin, appointment_id)
    assert _files(container) == []


def test_a_document_for_another_patients_appointment_leaves_no_file(container: Container) -> None:
    admin, patient_id = populate(container)
    other = container.patients.register(admin, {"mrn": "MRN-OTHER-1", "first_name": "Oda",
                                                "last_name": "Other", "date_of_birth": "1960-01-01"}).id
    foreign_visit = _visit(container, admin, other)
    with pytest.raises(ValidationError):
        _document(container, admin, patient_id, foreign_visit)
    assert _files(container) == []


def test_deleting_recordings_finds_one_no_read_model_has_seen(container: Container) -> None:
    admin, patient_id = populate(container)
    appointment_id = _visit(container, admin, patient_id)
    recording_id = _recording(container, admin, appointment_id)
    blob_key = container.app.repository.get(uuid.UUID(recording_id)).blob_key
    assert container.reads.recordings_for_appointment(appointment_id) == []  # the read model lags

    _delete_recordings(container, admin, appointment_id, "recorded the wrong visit")

    recording: Recording = container.app.repository.get(uuid.UUID(recording_id))
    assert recording.deleted and not container.blobs.exists(blob_key)
    with pytest.raises(NotFoundError):  # nothing left to delete
        _delete_recordings(container, admin, appointment_id, "again")


def test_erasure_deletes_files_no_read_model_has_seen(container: Container) -> None:
    admin, patient_id = populate(container)
    appointment_id = _visit(container, admin, patient_id)
    _recording(container, admin, appointment_id)
    _document(container, admin, patient_id)
    assert len(_files(container)) == 2 and container.reads.patient_blobs(patient_id) == []

    container.erasure.erase(admin, patient_id, "GDPR Art.17 ticket 77")

    assert _files(container) == []
    with pytest.raises(NotFoundError):  # and nothing can be added after the erasure
        _document(container, admin, patient_id)
    assert _files(container) == []


def test_verify_lists_files_no_record_references(container: Container) -> None:
    admin, patient_id = populate(container)
    container.start_projections()  # verify reads the live records from the read models
    _document(container, admin, patient_id)
    # A file stored by an upload that crashed before committing its record,
    # and an upload spooled but never finished.
    orphan = container.blobs.commit(staged(container.blobs, b"LDL 3.1 mmol/L\n")).key
    leftover = staged(container.blobs, b"half an upload").path
    an_hour_ago = time.time() - 3600
    for path in (container.blobs.path(orphan), leftover):
        os.utime(path, (an_hour_ago, an_hour_ago))
    assert projected(container, container.app.recorder.max_notification_id() or 0)

    report = container.audit.verify()
    unreferenced = [p["detail"]["blob_key"] for p in report["blobs"]["problems"] if p["kind"] == "unreferenced"]
    assert report["ok"] is False
    assert unreferenced == [orphan, f"staging/{Path(leftover).name}"]
    assert container.audit.verify(orphan_grace_s=7200)["ok"] is True  # younger files may be in flight

    done = subprocess.run([sys.executable, "-m", "medisync.interface.cli", "audit", "verify", "--json"],
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env=env_for(container.database_url, Path(container.settings.data_dir)))
    assert done.returncode == 1, done.stderr[-3000:]
    problems = json.loads(done.stdout)["blobs"]["problems"]
    assert orphan in {p["detail"].get("blob_key") for p in problems if p["kind"] == "unreferenced"}
