"""Queries: appointments, as their doctor or the practice's staff may see them."""

from __future__ import annotations

from medisync.application.access import Scope, VisitResource, reachable, scope_of
from medisync.application.principal import Principal
from medisync.application.queries.reads import AppointmentFilters, AppointmentReads, AsyncAppointmentReads, Page
from medisync.application.queries.rows import AppointmentRow


class AppointmentQueries:
    """``get`` and ``list_for_doctor`` read through ``reads`` (sync, in a worker thread); ``fetch`` and
    ``page_for_doctor`` are the same queries through ``live``, awaited on the event loop (D66)."""

    def __init__(self, reads: AppointmentReads, live: AsyncAppointmentReads | None = None) -> None:
        self.reads = reads
        self.live = live

    def get(self, principal: Principal, appointment_id: str) -> AppointmentRow:
        return _visible(scope_of(principal, "read appointments"), self.reads.get_appointment(appointment_id))

    def list_for_doctor(self, principal: Principal, doctor_id: str | None, filters: AppointmentFilters,
                        page: Page) -> tuple[list[AppointmentRow], int]:
        """A doctor sees their own; admins and nurses may name a doctor, or see all."""
        scope = scope_of(principal, "list appointments")
        return self.reads.list_appointments(scope, _named(scope, doctor_id), filters, page)

    async def fetch(self, principal: Principal, appointment_id: str) -> AppointmentRow:
        scope = scope_of(principal, "read appointments")
        return _visible(scope, await self._live().get_appointment(appointment_id))

    async def page_for_doctor(self, principal: Principal, doctor_id: str | None, filters: AppointmentFilters,
                              page: Page) -> tuple[list[AppointmentRow], int]:
        scope = scope_of(principal, "list appointments")
        return await self._live().list_appointments(scope, _named(scope, doctor_id), filters, page)

    def _live(self) -> AsyncAppointmentReads:
        if self.live is None:
            raise RuntimeError("AppointmentQueries was built without its async reads")
        return self.live


def _visible(scope: Scope, row: AppointmentRow | None) -> AppointmentRow:
    """The row if the scope reaches it (a copy: callers may change it); else 404."""
    return reachable(scope, row, VisitResource.of_row, "appointment").copy()


def _named(scope: Scope, doctor_id: str | None) -> str | None:
    """A doctor's scope already names the doctor; staff may narrow to one."""
    return None if scope.doctor_id else doctor_id
