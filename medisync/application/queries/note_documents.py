"""Queries: a visit's patient summary and letters, and a patient's (for FHIR)."""

from __future__ import annotations

from medisync.application.access import CLINICAL_STAFF, require_role, require_same_practice, scope_of
from medisync.application.principal import Principal
from medisync.application.queries.appointments import AppointmentQueries
from medisync.application.queries.patients import PatientQueries
from medisync.application.queries.reads import NoteDocumentReads
from medisync.application.queries.rows import NoteDocumentRow
from medisync.domain.errors import NotFoundError
from medisync.domain.note_document import LETTER_KINDS, PATIENT_SUMMARY


class NoteDocumentQueries:
    def __init__(self, reads: NoteDocumentReads, appointments: AppointmentQueries, patients: PatientQueries) -> None:
        self.reads = reads
        self.appointments = appointments
        self.patients = patients

    def latest_summary(self, principal: Principal, appointment_id: str) -> NoteDocumentRow:
        self._visit(principal, appointment_id)
        rows = self.reads.note_documents(appointment_id, (PATIENT_SUMMARY,))
        if not rows:
            raise NotFoundError("no patient summary for this appointment")
        return rows[-1]

    def letters(self, principal: Principal, appointment_id: str) -> list[NoteDocumentRow]:
        self._visit(principal, appointment_id)
        return self.reads.note_documents(appointment_id, LETTER_KINDS)

    def get(self, principal: Principal, appointment_id: str, document_id: str) -> NoteDocumentRow:
        self._visit(principal, appointment_id)
        row = self.reads.get_note_document(document_id)
        if row is None or str(row["appointment_id"]) != appointment_id:
            raise NotFoundError("document not found")
        return row

    def by_id(self, principal: Principal, document_id: str) -> NoteDocumentRow:
        """A document by its own id (FHIR), under the rules of its visit."""
        require_role(principal, CLINICAL_STAFF, "read notes")
        row = require_same_practice(principal, self.reads.get_note_document(document_id), "document")
        self.appointments.get(principal, str(row["appointment_id"]))
        return row

    def for_patient(self, principal: Principal, patient_id: str) -> list[NoteDocumentRow]:
        """The patient's summaries and letters of the visits the caller may see."""
        self.patients.get(principal, patient_id)
        return self.reads.note_documents_for_patient(patient_id, scope_of(principal, "read notes"))

    def _visit(self, principal: Principal, appointment_id: str) -> None:
        require_role(principal, CLINICAL_STAFF, "read notes")
        self.appointments.get(principal, appointment_id)
