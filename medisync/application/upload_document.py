"""Command: attach a document to a patient's record (D31, D56).

The interface has spooled the upload and judged its type by content; from
here the command owns the staged file: a refusal discards it, an acceptance
commits it as a blob together with the Document and the patient's file index.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventsourcing.domain import Aggregate

from medisync.application.access import CLINICAL_STAFF, require_role
from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.file_intake import Build, blob_fields, commit_upload
from medisync.application.patient_files import PatientFileIndex
from medisync.application.patients import PatientService
from medisync.application.ports import BlobStore, StagedBlob, StoredFile
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.document import Document
from medisync.domain.errors import ValidationError


@dataclass(frozen=True)
class UploadDocument:
    patient_id: str
    kind: str
    title: str
    file: StagedBlob
    content_type: str  # as judged from the content
    appointment_id: str | None = None


class UploadDocumentHandler:
    def __init__(self, app: MediSyncApplication, patients: PatientService,
                 appointments: AppointmentService, blobs: BlobStore) -> None:
        self.app = app
        self.patients = patients
        self.appointments = appointments
        self.blobs = blobs
        self.files = PatientFileIndex(app)

    def __call__(self, principal: Principal, command: UploadDocument) -> CommandResult:
        """The file is kept only if the upload is accepted."""
        def prepare() -> Build:
            require_role(principal, CLINICAL_STAFF, "upload documents")
            Document.check_kind(command.kind)
            self._require_visible(principal, command)
            index = self.files.open(principal.practice_id, command.patient_id)

            def build(stored: StoredFile) -> list[Aggregate]:
                document = Document.upload(
                    practice_id=principal.practice_id, patient_id=command.patient_id,
                    appointment_id=command.appointment_id, kind=command.kind, phi={"title": command.title},
                    actor=principal.actor(), **blob_fields(stored, command.content_type))
                index.add(str(document.id), "document", stored.key, command.appointment_id)
                return [document, index]
            return build

        document, notification_id = commit_upload(self.app, self.blobs, command.file, prepare)
        return CommandResult(str(document.id), notification_id)

    def _require_visible(self, principal: Principal, command: UploadDocument) -> None:
        """One check: the visit when one is named (whoever may see a patient's visit may see the
        patient, and its load refuses an erased patient), else the patient."""
        if not command.appointment_id:
            self.patients.load_visible(principal, command.patient_id)
            return
        appointment = self.appointments.load_visible(principal, command.appointment_id)
        if appointment.patient_id != command.patient_id:
            raise ValidationError("appointment is not this patient's", field="appointment_id")
