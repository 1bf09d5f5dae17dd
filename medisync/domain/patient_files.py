"""PatientFiles: the write side's list of a patient's stored files (D31).

One index aggregate per patient (id derived from the patient id) names every
recording and document ever stored for the patient, with its blob key and
appointment. It is saved in the same transaction as the upload, so the write
side knows a patient's files the moment they are committed, without waiting
for a read model: erasure deletes exactly these blobs, and deleting an
appointment's recordings starts from this list. It only grows: whether a file
is deleted is the Recording's or Document's own state (deleting a blob twice
is harmless), so a deletion never contends on the index.

Erasure seals the index in the same transaction as ``Patient.Erased``: an
upload racing the erasure then collides on this aggregate's version, is
re-run, and is refused because the patient is gone. No file can slip in
after the erasure has listed what to delete.

The index holds ids, kinds and blob keys only (no PHI).
"""

from __future__ import annotations

from typing import TypedDict
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from medisync.domain.errors import InvalidTransitionError
from medisync.domain.ids import derived_id

KINDS = ("recording", "document")


class StoredFileEntry(TypedDict):
    kind: str  # recording | document
    blob_key: str
    appointment_id: str | None


class PatientFiles(Aggregate):
    @staticmethod
    def create_id(patient_id: str, **_: object) -> UUID:
        return derived_id("patient-files", str(patient_id))

    class Opened(Aggregate.Created):
        practice_id: str
        patient_id: str

    @event(Opened)
    def __init__(self, practice_id: str, patient_id: str) -> None:
        self.practice_id = practice_id
        self.patient_id = patient_id
        self.files: dict[str, StoredFileEntry] = {}
        self.sealed = False

    def add(self, file_id: str, kind: str, blob_key: str, appointment_id: str | None) -> None:
        if self.sealed:
            raise InvalidTransitionError("the patient's record is erased")
        if kind not in KINDS:
            raise ValueError(f"unknown file kind {kind!r}")
        self._add(file_id=file_id, kind=kind, blob_key=blob_key, appointment_id=appointment_id)

    class FileAdded(Aggregate.Event):
        file_id: str
        kind: str
        blob_key: str
        appointment_id: str | None

    @event(FileAdded)
    def _add(self, file_id: str, kind: str, blob_key: str, appointment_id: str | None) -> None:
        self.files[file_id] = {"kind": kind, "blob_key": blob_key, "appointment_id": appointment_id}

    def seal(self) -> None:
        if not self.sealed:
            self._seal()

    class Sealed(Aggregate.Event):
        pass

    @event(Sealed)
    def _seal(self) -> None:
        self.sealed = True

    def recordings_of(self, appointment_id: str) -> list[str]:
        return [file_id for file_id, f in self.files.items()
                if f["kind"] == "recording" and f["appointment_id"] == appointment_id]

    def blobs(self) -> list[tuple[str, str]]:
        """(file id, blob key) of every file ever stored for the patient."""
        return [(file_id, f["blob_key"]) for file_id, f in self.files.items()]
