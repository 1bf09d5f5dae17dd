"""Queries: patients, their history and insurance."""

from __future__ import annotations

from medisync.application.access import PatientResource, reachable, scope_of
from medisync.application.principal import Principal
from medisync.application.queries.reads import Page, PatientReads
from medisync.application.queries.rows import HistoryRow, InsuranceRow, PatientRow


class PatientQueries:
    def __init__(self, reads: PatientReads) -> None:
        self.reads = reads

    def get(self, principal: Principal, patient_id: str) -> PatientRow:
        scope = scope_of(principal, "read patient records")
        row = reachable(scope, self.reads.get_patient(patient_id), PatientResource.of_row, "patient", self.reads)
        return row.copy()

    def search(self, principal: Principal, search: str | None, page: Page,
               mrn: str | None = None) -> tuple[list[PatientRow], int]:
        return self.reads.search_patients(scope_of(principal, "search patients"), search, page, mrn)

    def history(self, principal: Principal, patient_id: str) -> list[HistoryRow]:
        self.get(principal, patient_id)
        return self.reads.patient_history(patient_id)

    def insurance(self, principal: Principal, patient_id: str) -> list[InsuranceRow]:
        self.get(principal, patient_id)
        return self.reads.patient_insurance(patient_id)
