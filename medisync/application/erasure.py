"""GDPR Art. 17 erasure by crypto-shredding.

The immutable log keeps every event (and so the hash chain still verifies),
but the patient's data key is destroyed, so every PHI field ever recorded
about them becomes unreadable. The read models drop the patient's rows when
they see ``Patient.Erased``, and the patient's audio and documents are
deleted from blob storage: the files the write side's ``PatientFiles`` index
names (D31), plus any stored before that index existed.
"""

from __future__ import annotations

from typing import Protocol

from medisync.application.access import require_role
from medisync.application.app import MediSyncApplication, retry_on_conflict
from medisync.application.blob_release import release_blob
from medisync.application.patient_files import LegacyFileRows, PatientFileIndex
from medisync.application.patients import PatientService
from medisync.application.ports import BlobReferences, BlobStore
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.errors import ValidationError

MAX_REASON = 200


class PatientKeyring(Protocol):
    def destroy(self, subject_id: str) -> None: ...


class ErasureService:
    def __init__(self, app: MediSyncApplication, patients: PatientService, keyring: PatientKeyring,
                 legacy: LegacyFileRows, blobs: BlobStore, references: BlobReferences) -> None:
        self.app = app
        self.patients = patients
        self.keyring = keyring
        self.legacy = legacy
        self.blobs = blobs
        self.references = references
        self.files = PatientFileIndex(app)

    def erase(self, principal: Principal, patient_id: str, reason: str) -> CommandResult:
        require_role(principal, ("admin",), "erase patients")
        reason = (reason or "").strip()
        if not reason or len(reason) > MAX_REASON:
            raise ValidationError(f"a reason of 1 to {MAX_REASON} characters is required "
                                  "(a ticket or legal basis, not patient details)", field="reason")
        notification_id, owned = retry_on_conflict(lambda: self._record_erasure(principal, patient_id, reason))
        self.keyring.destroy(patient_id)
        self.app.forget_cached(patient_id)
        for owner_id, blob_key in owned:
            release_blob(self.blobs, self.references, blob_key, owner_id)
        return CommandResult(patient_id, notification_id, created=False)

    def _record_erasure(self, principal: Principal, patient_id: str,
                        reason: str) -> tuple[int | None, list[tuple[str, str]]]:
        """Erase the patient and seal their file index in one transaction (D31).

        The files come from the write side: an upload committed a moment ago
        is in the index even if no read model has seen it, and one racing
        this erasure collides on the index's version and is refused."""
        patient = self.patients.load_visible(principal, patient_id)
        index = self.files.open(principal.practice_id, patient_id)
        owned = index.blobs()
        known = {owner_id for owner_id, _ in owned}
        owned += [(str(row["id"]), row["blob_key"]) for row in self.legacy.patient_blobs(patient_id)
                  if str(row["id"]) not in known]
        patient.erase(reason=reason, actor=principal.actor())
        index.seal()
        return self.app.commit(patient, index), owned
