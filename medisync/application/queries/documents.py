"""Queries: a patient's documents."""

from __future__ import annotations

from medisync.application.access import require_same_practice
from medisync.application.principal import Principal
from medisync.application.queries.patients import PatientQueries
from medisync.application.queries.reads import DocumentReads, Page
from medisync.application.queries.rows import DocumentRow


class DocumentQueries:
    def __init__(self, reads: DocumentReads, patients: PatientQueries) -> None:
        self.reads = reads
        self.patients = patients

    def list(self, principal: Principal, patient_id: str, page: Page) -> tuple[list[DocumentRow], int]:
        self.patients.get(principal, patient_id)
        return self.reads.list_documents(patient_id, page)

    def get(self, principal: Principal, document_id: str) -> DocumentRow:
        row = require_same_practice(principal, self.reads.get_document(document_id), "document")
        self.patients.get(principal, str(row["patient_id"]))
        return row.copy()
