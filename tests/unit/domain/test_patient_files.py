"""PatientFiles, the write side's index of a patient's files (D31): what it
records, and that an upload racing an erasure can never leave a file behind."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest

from medisync.adapters.blobs import FilesystemBlobStore
from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.erasure import ErasureService
from medisync.application.patients import PatientService
from medisync.application.upload_recording import UploadRecording, UploadRecordingHandler
from medisync.domain.errors import InvalidTransitionError, NotFoundError
from medisync.domain.patient_files import PatientFiles
from tests.support.blobs import staged
from tests.support.in_memory import References, member, patient_of


def test_the_index_names_each_file_and_refuses_new_ones_once_sealed() -> None:
    index = PatientFiles(practice_id="p-1", patient_id="patient-1")
    assert index.id == PatientFiles.create_id("patient-1")
    index.add("rec-1", "recording", "a" * 64, "appt-1")
    index.add("rec-2", "recording", "b" * 64, "appt-2")
    index.add("doc-1", "document", "c" * 64, None)
    assert index.recordings_of("appt-1") == ["rec-1"]
    assert index.blobs() == [("rec-1", "a" * 64), ("rec-2", "b" * 64), ("doc-1", "c" * 64)]
    index.seal()
    with pytest.raises(InvalidTransitionError):
        index.add("doc-2", "document", "d" * 64, None)
    assert [type(e).__name__ for e in index.collect_events()] == [
        "Opened", "FileAdded", "FileAdded", "FileAdded", "Sealed"]


class _Keyring:
    def __init__(self) -> None:
        self.destroyed: list[str] = []

    def destroy(self, subject_id: str) -> None:
        self.destroyed.append(subject_id)


@pytest.fixture
def app() -> Iterator[MediSyncApplication]:
    application = MediSyncApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield application
    application.close()


def test_an_upload_racing_an_erasure_is_refused_and_leaves_no_file(app: MediSyncApplication,
                                                                    tmp_path: Path) -> None:
    admin, nurse, doctor = member(app, "admin"), member(app, "nurse"), member(app, "doctor")
    blobs = FilesystemBlobStore(str(tmp_path / "blobs"))
    appointments = AppointmentService(app)
    upload = UploadRecordingHandler(app, appointments, blobs)
    keyring = _Keyring()
    erasure = ErasureService(app, PatientService(app, References()), keyring,  # type: ignore[arg-type]
                             References(), blobs, References())
    patient_id = patient_of(app, nurse)
    appointment_id = appointments.schedule(nurse, patient_id, doctor.user_id, "2027-01-04T09:00:00+00:00",
                                           30, "follow_up", "").id

    def recording(content: bytes) -> UploadRecording:
        return UploadRecording(appointment_id, staged(blobs, content), "audio/wav", 1.0)

    first = upload(nurse, recording(b"first")).id
    assert [name for name, _ in blobs.listing()] == [app.repository.get(uuid.UUID(first)).blob_key]

    # The erasure commits between the second upload's checks and its commit.
    commit, interleaved = app.commit, []

    def erasure_first(*aggregates: object) -> int | None:
        if not interleaved:
            interleaved.append(True)
            erasure.erase(admin, patient_id, "GDPR Art.17 ticket 9")
        return commit(*aggregates)
    app.commit = erasure_first  # type: ignore[method-assign]

    with pytest.raises(NotFoundError):
        upload(nurse, recording(b"second"))
    assert interleaved and keyring.destroyed == [patient_id]
    assert list(blobs.listing()) == []  # the first file erased, the second never kept
