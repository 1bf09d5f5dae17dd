"""GDPR Art. 17 erasure by crypto-shredding.

The immutable log keeps every event (and so the hash chain still verifies),
but the patient's data key is destroyed, so every PHI field ever recorded
about them becomes unreadable. The read models drop the patient's rows when
they see ``Patient.Erased``, and the patient's audio and documents are
deleted from blob storage.
"""

from __future__ import annotations

from typing import Any, Protocol

from medisync.application.access import require_role
from medisync.application.app import MediSyncApplication
from medisync.application.blob_release import release_blob
from medisync.application.patients import PatientService
from medisync.application.ports import BlobReferences, BlobStore
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.errors import ValidationError

MAX_REASON = 200


class PatientKeyring(Protocol):
    def destroy(self, subject_id: str) -> None: ...


class PatientBlobs(Protocol):
    def patient_blobs(self, patient_id: str) -> list[dict[str, Any]]:
        """[{id, blob_key}] of the patient's recordings and documents."""


class ErasureService:
    def __init__(self, app: MediSyncApplication, patients: PatientService, keyring: PatientKeyring,
                 reads: PatientBlobs, blobs: BlobStore, references: BlobReferences) -> None:
        self.app = app
        self.patients = patients
        self.keyring = keyring
        self.reads = reads
        self.blobs = blobs
        self.references = references

    def erase(self, principal: Principal, patient_id: str, reason: str) -> CommandResult:
        require_role(principal, ("admin",), "erase patients")
        reason = (reason or "").strip()
        if not reason or len(reason) > MAX_REASON:
            raise ValidationError(f"a reason of 1 to {MAX_REASON} characters is required "
                                  "(a ticket or legal basis, not patient details)", field="reason")
        patient = self.patients.load_visible(principal, patient_id)
        owned = self.reads.patient_blobs(patient_id)
        patient.erase(reason=reason, actor=principal.actor())
        notification_id = self.app.commit(patient)
        self.keyring.destroy(patient_id)
        self.app.forget_cached(patient_id)
        for item in owned:
            release_blob(self.blobs, self.references, item["blob_key"], str(item["id"]))
        return CommandResult(patient_id, notification_id, created=False)
