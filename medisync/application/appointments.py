"""Use cases: schedule appointments and move them through their lifecycle."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from medisync.application.access import VisitResource, require_reach, scope_of
from medisync.application.app import MediSyncApplication, retry_on_conflict
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.appointment import Appointment
from medisync.domain.doctor_schedule import DoctorSchedule
from medisync.domain.errors import NotFoundError, ValidationError


def _interval(start: str, duration_minutes: int) -> tuple[float, float]:
    begins = datetime.fromisoformat(start)
    if begins.tzinfo is None:
        raise ValidationError("start must carry a UTC offset", field="start")
    ends = begins + timedelta(minutes=duration_minutes)
    return begins.timestamp(), ends.timestamp()


class AppointmentService:
    def __init__(self, app: MediSyncApplication) -> None:
        self.app = app

    def schedule(self, principal: Principal, patient_id: str, doctor_id: str, start: str,
                 duration_minutes: int, appointment_type: str, reason: str) -> CommandResult:
        # A doctor books only for themself: another doctor's id is "not found" to them.
        scope = scope_of(principal, "schedule appointments")
        require_reach(scope, VisitResource(principal.practice_id, doctor_id), "doctor")
        self._require_doctor(principal, doctor_id)
        self._require_patient(principal, patient_id)
        starts_at, ends_at = _interval(start, duration_minutes)

        def command() -> CommandResult:
            appointment = Appointment.schedule(
                practice_id=principal.practice_id, patient_id=patient_id, doctor_id=doctor_id,
                start=start, duration_minutes=duration_minutes, appointment_type=appointment_type,
                phi={"reason": reason}, actor=principal.actor())
            schedule = self._schedule_of(doctor_id)
            schedule.book(appointment_id=str(appointment.id), starts_at=starts_at, ends_at=ends_at)
            return CommandResult(str(appointment.id), self.app.commit(appointment, schedule))
        return retry_on_conflict(command)

    def reschedule(self, principal: Principal, appointment_id: str, start: str,
                   duration_minutes: int) -> CommandResult:
        starts_at, ends_at = _interval(start, duration_minutes)

        def act(appointment: Appointment, schedule: DoctorSchedule) -> None:
            appointment.reschedule(start=start, duration_minutes=duration_minutes,
                                   actor=principal.actor())
            schedule.book(appointment_id=appointment_id, starts_at=starts_at, ends_at=ends_at)
        return self._transition(principal, appointment_id, act)

    def cancel(self, principal: Principal, appointment_id: str, reason: str) -> CommandResult:
        def act(appointment: Appointment, schedule: DoctorSchedule) -> None:
            appointment.cancel(phi={"reason": reason}, actor=principal.actor())
            schedule.release(appointment_id=appointment_id)
        return self._transition(principal, appointment_id, act)

    def mark_no_show(self, principal: Principal, appointment_id: str) -> CommandResult:
        def act(appointment: Appointment, schedule: DoctorSchedule) -> None:
            appointment.mark_no_show(actor=principal.actor())
            schedule.release(appointment_id=appointment_id)
        return self._transition(principal, appointment_id, act)

    def check_in(self, principal: Principal, appointment_id: str) -> CommandResult:
        return self._transition(principal, appointment_id,
                                lambda a, _: a.check_in(actor=principal.actor()))

    def begin(self, principal: Principal, appointment_id: str) -> CommandResult:
        return self._transition(principal, appointment_id,
                                lambda a, _: a.begin(actor=principal.actor()))

    def complete(self, principal: Principal, appointment_id: str) -> CommandResult:
        return self._transition(principal, appointment_id,
                                lambda a, _: a.complete(actor=principal.actor()))

    def load_visible(self, principal: Principal, appointment_id: str) -> Appointment:
        """The appointment, if this caller may work on it (the access policy); else NotFoundError."""
        scope = scope_of(principal, "work on appointments")
        appointment = self.app.load(appointment_id, "appointment", Appointment)
        require_reach(scope, VisitResource(appointment.practice_id, appointment.doctor_id), "appointment")
        return appointment

    def _transition(self, principal: Principal, appointment_id: str,
                    act: Callable[[Appointment, DoctorSchedule], Any]) -> CommandResult:
        def command() -> CommandResult:
            appointment = self.load_visible(principal, appointment_id)
            schedule = self._schedule_of(appointment.doctor_id)
            act(appointment, schedule)
            return CommandResult(appointment_id, self.app.commit(appointment, schedule),
                                 created=False)
        return retry_on_conflict(command)

    def _schedule_of(self, doctor_id: str) -> DoctorSchedule:
        # One load, not an existence check and then a load (D54).
        try:
            return self.app.load(DoctorSchedule.create_id(doctor_id), "schedule", DoctorSchedule)
        except NotFoundError:
            return DoctorSchedule(doctor_id=doctor_id)

    def _require_doctor(self, principal: Principal, doctor_id: str) -> None:
        self._require_member(principal, doctor_id, "doctor_id", "a doctor",
                             lambda user: getattr(user, "role", None) == "doctor"
                             and getattr(user, "active", False))

    def _require_patient(self, principal: Principal, patient_id: str) -> None:
        self._require_member(principal, patient_id, "patient_id", "a patient",
                             lambda patient: getattr(patient, "archived", True) is False)

    def _require_member(self, principal: Principal, aggregate_id: str, field: str, what: str,
                        predicate: Callable[[Any], bool]) -> None:
        # A bad reference in the body is a validation error on that field,
        # whether the id is unknown, of another practice or of another kind.
        message = f"{field} is not {what} of this practice"
        try:
            found = self.app.load(aggregate_id, what)
        except NotFoundError:
            raise ValidationError(message, field=field) from None
        if getattr(found, "practice_id", None) != principal.practice_id or not predicate(found):
            raise ValidationError(message, field=field)
