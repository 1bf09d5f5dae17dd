"""Read model: ``appointments``, one row per appointment in its latest state."""

from __future__ import annotations

from typing import Callable

from eventsourcing.domain import Aggregate

from medisync.domain.appointment import Appointment
from medisync.domain.patient import Patient
from medisync.projections.base import ReadModelProjection, oid, stamp
from medisync.projections.changes import ViewChange, delete, insert, update


def _scheduled(e: Appointment.Scheduled) -> list[ViewChange]:
    return [insert("appointments", id=oid(e), practice_id=e.practice_id, patient_id=e.patient_id,
                   doctor_id=e.doctor_id, start_at=e.start, duration_minutes=e.duration_minutes,
                   type=e.appointment_type, reason=e.phi.get("reason", ""), status="scheduled",
                   created_at=e.timestamp, **stamp(e))]


def _rescheduled(e: Appointment.Rescheduled) -> list[ViewChange]:
    return [update("appointments", {"id": oid(e)}, start_at=e.start,
                   duration_minutes=e.duration_minutes, status="rescheduled", **stamp(e))]


def _cancelled(e: Appointment.Cancelled) -> list[ViewChange]:
    return [update("appointments", {"id": oid(e)}, status="cancelled",
                   cancel_reason=e.phi.get("reason", ""), **stamp(e))]


def _status(status: str) -> Callable[[Aggregate.Event], list[ViewChange]]:
    def handler(e: Aggregate.Event) -> list[ViewChange]:
        return [update("appointments", {"id": oid(e)}, status=status, **stamp(e))]
    return handler


def _patient_erased(e: Patient.Erased) -> list[ViewChange]:
    return [delete("appointments", patient_id=oid(e))]


class AppointmentsProjection(ReadModelProjection):
    name = "appointments"
    tables = ("appointments",)
    handlers = {
        Appointment.Scheduled: _scheduled,
        Appointment.Rescheduled: _rescheduled,
        Appointment.CheckedIn: _status("checked_in"),
        Appointment.Started: _status("started"),
        Appointment.Completed: _status("completed"),
        Appointment.Cancelled: _cancelled,
        Appointment.MarkedNoShow: _status("no_show"),
        Patient.Erased: _patient_erased,
    }
