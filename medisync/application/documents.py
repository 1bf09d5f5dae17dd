"""Use cases: attach documents to a patient's record, and remove them."""

from __future__ import annotations

from typing import Any

from medisync.application.access import CLINICAL_STAFF, require_role
from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.patients import PatientService
from medisync.application.blob_release import release_blob
from medisync.application.file_intake import Build, StagedFile, blob_fields, commit_upload
from medisync.application.patient_files import PatientFileIndex
from medisync.application.ports import BlobReferences, BlobStore, StoredFile
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.document import Document
from medisync.domain.errors import NotFoundError, ValidationError


class DocumentService:
    def __init__(self, app: MediSyncApplication, patients: PatientService,
                 appointments: AppointmentService, blobs: BlobStore,
                 references: BlobReferences) -> None:
        self.app = app
        self.patients = patients
        self.appointments = appointments
        self.blobs = blobs
        self.references = references
        self.files = PatientFileIndex(app)

    def upload(self, principal: Principal, patient_id: str, appointment_id: str | None,
               kind: str, title: str, staged: StagedFile) -> CommandResult:
        """Attach a document; the file is stored only once the upload is accepted (D31)."""
        require_role(principal, CLINICAL_STAFF, "upload documents")

        def prepare() -> Build:
            self.patients.load_visible(principal, patient_id)
            if appointment_id:
                appointment = self.appointments.load_visible(principal, appointment_id)
                if appointment.patient_id != patient_id:
                    raise ValidationError("appointment is not this patient's", field="appointment_id")
            Document.check_kind(kind)
            index = self.files.open(principal.practice_id, patient_id)

            def build(stored: StoredFile) -> list[Any]:
                document = Document.upload(
                    practice_id=principal.practice_id, patient_id=patient_id,
                    appointment_id=appointment_id, kind=kind, phi={"title": title},
                    actor=principal.actor(), **blob_fields(stored, staged))
                index.add(str(document.id), "document", stored.key, appointment_id)
                return [document, index]
            return build

        document, notification_id = commit_upload(self.app, self.blobs, staged, prepare)
        return CommandResult(str(document.id), notification_id)

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
