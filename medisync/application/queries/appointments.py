"""Queries: appointments, as their doctor or the practice's staff may see them."""

from __future__ import annotations

from typing import Any

from medisync.application.access import VisitResource, require_reach, scope_of
from medisync.application.principal import Principal


class AppointmentQueries:
    def __init__(self, reads: Any) -> None:
        self.reads = reads

    def get(self, principal: Principal, appointment_id: str) -> dict[str, Any]:
        scope = scope_of(principal, "read appointments")
        row = self.reads.get_appointment(appointment_id)
        require_reach(scope, VisitResource.of_row(row), "appointment")
        return dict(row)

    def list_for_doctor(self, principal: Principal, doctor_id: str | None, filters: dict[str, Any],
                        page: Any) -> tuple[list[dict[str, Any]], int]:
        """A doctor sees their own; admins and nurses may name a doctor, or see all."""
        scope = scope_of(principal, "list appointments")
        return self.reads.list_appointments(scope, None if scope.doctor_id else doctor_id, filters, page)
