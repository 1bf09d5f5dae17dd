"""Queries: appointments, as their doctor or the practice's staff may see them."""

from __future__ import annotations

from typing import Any

from medisync.application.access import (SCHEDULERS, require_doctor_owns, require_role,
                                         require_same_practice)
from medisync.application.principal import Principal


class AppointmentQueries:
    def __init__(self, reads: Any) -> None:
        self.reads = reads

    def get(self, principal: Principal, appointment_id: str) -> dict[str, Any]:
        require_role(principal, SCHEDULERS, "read appointments")
        row = require_same_practice(principal, self.reads.get_appointment(appointment_id),
                                    "appointment")
        require_doctor_owns(principal, str(row["doctor_id"]), "appointment")
        return dict(row)

    def list_for_doctor(self, principal: Principal, doctor_id: str | None, filters: dict[str, Any],
                        page: Any) -> tuple[list[dict[str, Any]], int]:
        """A doctor sees their own; admins and nurses may name a doctor, or see all."""
        require_role(principal, SCHEDULERS, "list appointments")
        if principal.is_doctor:
            doctor_id = principal.user_id
        return self.reads.list_appointments(principal.practice_id, doctor_id, filters, page)
