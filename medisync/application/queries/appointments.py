"""Queries: appointments, as their doctor or the practice's staff may see them."""

from __future__ import annotations

from medisync.application.access import VisitResource, reachable, scope_of
from medisync.application.principal import Principal
from medisync.application.queries.reads import AppointmentFilters, AppointmentReads, Page
from medisync.application.queries.rows import AppointmentRow


class AppointmentQueries:
    def __init__(self, reads: AppointmentReads) -> None:
        self.reads = reads

    def get(self, principal: Principal, appointment_id: str) -> AppointmentRow:
        scope = scope_of(principal, "read appointments")
        row = reachable(scope, self.reads.get_appointment(appointment_id), VisitResource.of_row, "appointment")
        return row.copy()

    def list_for_doctor(self, principal: Principal, doctor_id: str | None, filters: AppointmentFilters,
                        page: Page) -> tuple[list[AppointmentRow], int]:
        """A doctor sees their own; admins and nurses may name a doctor, or see all."""
        scope = scope_of(principal, "list appointments")
        return self.reads.list_appointments(scope, None if scope.doctor_id else doctor_id, filters, page)
