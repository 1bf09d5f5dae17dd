"""Queries: patients, their history and insurance."""

from __future__ import annotations

from typing import Any

from medisync.application.access import CLINICAL_STAFF, require_role, require_same_practice
from medisync.application.principal import Principal
from medisync.domain.errors import NotFoundError


class PatientQueries:
    def __init__(self, reads: Any) -> None:
        self.reads = reads

    def get(self, principal: Principal, patient_id: str) -> dict[str, Any]:
        require_role(principal, CLINICAL_STAFF, "read patient records")
        row = require_same_practice(principal, self.reads.get_patient(patient_id), "patient")
        if principal.is_doctor and not self._doctor_sees(principal, row):
            raise NotFoundError("patient not found")
        return dict(row)

    def search(self, principal: Principal, search: str | None, page: Any,
               mrn: str | None = None) -> tuple[list[dict[str, Any]], int]:
        require_role(principal, CLINICAL_STAFF, "search patients")
        doctor = principal.user_id if principal.is_doctor else None
        return self.reads.search_patients(principal.practice_id, search, doctor, page, mrn)

    def history(self, principal: Principal, patient_id: str) -> list[dict[str, Any]]:
        self.get(principal, patient_id)
        return self.reads.patient_history(patient_id)

    def insurance(self, principal: Principal, patient_id: str) -> list[dict[str, Any]]:
        self.get(principal, patient_id)
        return self.reads.patient_insurance(patient_id)

    def _doctor_sees(self, principal: Principal, row: dict[str, Any]) -> bool:
        return str(row["registered_by"]) == principal.user_id or self.reads.doctor_sees_patient(
            principal.practice_id, principal.user_id, str(row["id"]))
