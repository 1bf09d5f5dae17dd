"""Queries: patients, their history and insurance."""

from __future__ import annotations

from typing import Any

from medisync.application.access import PatientResource, require_reach, scope_of
from medisync.application.principal import Principal


class PatientQueries:
    def __init__(self, reads: Any) -> None:
        self.reads = reads

    def get(self, principal: Principal, patient_id: str) -> dict[str, Any]:
        scope = scope_of(principal, "read patient records")
        row = self.reads.get_patient(patient_id)
        require_reach(scope, PatientResource.of_row(row), "patient", self.reads)
        return dict(row)

    def search(self, principal: Principal, search: str | None, page: Any,
               mrn: str | None = None) -> tuple[list[dict[str, Any]], int]:
        return self.reads.search_patients(scope_of(principal, "search patients"), search, page, mrn)

    def history(self, principal: Principal, patient_id: str) -> list[dict[str, Any]]:
        self.get(principal, patient_id)
        return self.reads.patient_history(patient_id)

    def insurance(self, principal: Principal, patient_id: str) -> list[dict[str, Any]]:
        self.get(principal, patient_id)
        return self.reads.patient_insurance(patient_id)
