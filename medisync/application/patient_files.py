"""The write side's index of a patient's files (``PatientFiles``, D31)."""

from __future__ import annotations

from typing import Protocol

from medisync.application.app import MediSyncApplication
from medisync.application.queries.rows import BlobRow, RecordingRow
from medisync.domain.errors import NotFoundError
from medisync.domain.patient_files import PatientFiles


class LegacyFileRows(Protocol):
    """Read-model rows, consulted only for files stored before D31 (not in any index).

    Such files were projected long ago, so the read model's lag cannot hide
    them; every file stored since is in ``PatientFiles``."""

    def recordings_for_appointment(self, appointment_id: str) -> list[RecordingRow]: ...

    def patient_blobs(self, patient_id: str) -> list[BlobRow]: ...


class PatientFileIndex:
    def __init__(self, app: MediSyncApplication) -> None:
        self.app = app

    def open(self, practice_id: str, patient_id: str) -> PatientFiles:
        """The patient's index, or a new one; NotFoundError once the patient is erased.

        Two first uploads racing both create version 1; the store's version
        constraint refuses one and ``retry_on_conflict`` re-runs it."""
        found = self.find(patient_id)
        if found is None:
            return PatientFiles(practice_id=practice_id, patient_id=patient_id)
        if found.sealed:  # erased since the caller loaded the patient's appointment
            raise NotFoundError("patient not found")
        return found

    def find(self, patient_id: str) -> PatientFiles | None:
        """One read (D56); the caller has loaded the patient or one of their aggregates."""
        index: PatientFiles | None = self.app.find(PatientFiles.create_id(patient_id), "patient", PatientFiles)
        return index
