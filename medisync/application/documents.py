"""Use cases: remove documents from a patient's record."""

from __future__ import annotations

from medisync.application.access import CLINICAL_STAFF, require_role
from medisync.application.app import MediSyncApplication
from medisync.application.patients import PatientService
from medisync.application.blob_release import release_blob
from medisync.application.ports import BlobReferences, BlobStore
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.document import Document
from medisync.domain.errors import NotFoundError


class DocumentService:
    """A document's removal and loading; attaching one is a command of its own
    (``upload_document``, D56)."""

    def __init__(self, app: MediSyncApplication, patients: PatientService, blobs: BlobStore,
                 references: BlobReferences) -> None:
        self.app = app
        self.patients = patients
        self.blobs = blobs
        self.references = references

    def delete(self, principal: Principal, document_id: str) -> CommandResult:
        document = self.load_visible(principal, document_id)
        document.delete(actor=principal.actor())
        notification_id = self.app.commit(document)
        release_blob(self.blobs, self.references, document.blob_key, document_id)
        return CommandResult(document_id, notification_id, created=False)

    def load_visible(self, principal: Principal, document_id: str) -> Document:
        require_role(principal, CLINICAL_STAFF, "work on documents")
        document = self.app.load(document_id, "document", Document)
        if document.practice_id != principal.practice_id or document.deleted:
            raise NotFoundError("document not found")
        self.patients.load_visible(principal, document.patient_id)
        return document
