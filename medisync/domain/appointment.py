"""Appointment: one visit's lifecycle.

scheduled ─┬─ rescheduled ─┐
           ├───────────────┴─ checked_in ─ started ─ completed
           ├─ cancelled
           └─ no_show
Completed, cancelled and no-show are terminal.

The visit moves the appointment too (D42): a recording uploaded before the
visit has started starts it, and signing its note completes it, from any
state that is not terminal. Both record the ordinary ``Started`` and
``Completed`` events, by the clinician who uploaded or signed.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event

from medisync.domain.actor import Actor
from medisync.domain.errors import InvalidTransitionError, ValidationError
from medisync.domain.phi import Reason

APPOINTMENT_TYPES = ("new_patient", "follow_up", "consultation", "telehealth", "urgent", "annual_physical")
TERMINAL = frozenset({"completed", "cancelled", "no_show"})
ALLOWED_FROM = {
    "reschedule": {"scheduled", "rescheduled"},
    "check_in": {"scheduled", "rescheduled"},
    "start": {"scheduled", "rescheduled", "checked_in"},
    "complete": {"started"},
    "cancel": {"scheduled", "rescheduled", "checked_in"},
    "no_show": {"scheduled", "rescheduled"},
}
# What the visit's own events do to the appointment (D42).
STARTED_BY_RECORDING = frozenset({"scheduled", "rescheduled", "checked_in"})
COMPLETED_BY_SIGNATURE = frozenset({"scheduled", "rescheduled", "checked_in", "started"})


# Event versioning (docs/events.md, "Domain event versions"). ``Scheduled`` v2
# added ``booked_via`` (who booked: "staff" today, a patient portal later).
# Events stored before that have no such field and no ``class_version``; the
# mapper runs this on their stored state before building the event, so old
# and new events load into the same class.
def upcast_scheduled_v1_v2(state: dict[str, Any]) -> None:
    state.setdefault("booked_via", "staff")  # every v1 booking was made by practice staff


class Appointment(Aggregate):
    class Scheduled(Aggregate.Created):
        class_version = 2
        upcast_v1_v2 = staticmethod(upcast_scheduled_v1_v2)

        practice_id: str
        patient_id: str
        doctor_id: str
        start: str
        duration_minutes: int
        appointment_type: str
        phi: Reason
        actor: Actor
        booked_via: str = "staff"

    @event(Scheduled)
    def __init__(self, practice_id: str, patient_id: str, doctor_id: str, start: str,
                 duration_minutes: int, appointment_type: str, phi: Reason,
                 actor: Actor, booked_via: str = "staff") -> None:
        self.practice_id = practice_id
        self.patient_id = patient_id
        self.doctor_id = doctor_id
        self.start = start
        self.duration_minutes = duration_minutes
        self.appointment_type = appointment_type
        self.reason = phi.get("reason", "")
        self.status = "scheduled"
        self.booked_via = booked_via  # Scheduled v2 (see upcast_scheduled_v1_v2 below)

    @classmethod
    def schedule(cls, practice_id: str, patient_id: str, doctor_id: str, start: str, duration_minutes: int,
                 appointment_type: str, phi: Reason, actor: Actor, booked_via: str = "staff") -> "Appointment":
        if appointment_type not in APPOINTMENT_TYPES:
            raise ValidationError(f"type must be one of {', '.join(APPOINTMENT_TYPES)}", field="type")
        if not 5 <= int(duration_minutes) <= 480:
            raise ValidationError("duration_minutes must be between 5 and 480", field="duration_minutes")
        return cls(practice_id=practice_id, patient_id=patient_id, doctor_id=doctor_id, start=start,
                   duration_minutes=duration_minutes, appointment_type=appointment_type, phi=phi, actor=actor,
                   booked_via=booked_via)

    def reschedule(self, start: str, duration_minutes: int, actor: Actor) -> None:
        self._require("reschedule")
        self._reschedule(start=start, duration_minutes=duration_minutes, actor=actor)

    class Rescheduled(Aggregate.Event):
        start: str
        duration_minutes: int
        actor: Actor

    @event(Rescheduled)
    def _reschedule(self, start: str, duration_minutes: int, actor: Actor) -> None:
        self.start = start
        self.duration_minutes = duration_minutes
        self.status = "rescheduled"

    def check_in(self, actor: Actor) -> None:
        self._require("check_in")
        self._check_in(actor=actor)

    class CheckedIn(Aggregate.Event):
        actor: Actor

    @event(CheckedIn)
    def _check_in(self, actor: Actor) -> None:
        self.status = "checked_in"

    def begin(self, actor: Actor) -> None:
        self._require("start")
        self._begin(actor=actor)

    class Started(Aggregate.Event):
        actor: Actor

    @event(Started)
    def _begin(self, actor: Actor) -> None:
        self.status = "started"

    def visit_recorded(self, actor: Actor) -> None:
        """A recording of the visit was uploaded: a visit not yet started has started."""
        if self.status in STARTED_BY_RECORDING:
            self._begin(actor=actor)

    def note_signed(self, actor: Actor) -> None:
        """The visit's note was signed: the visit is over, unless it already ended."""
        if self.status in COMPLETED_BY_SIGNATURE:
            self._complete(actor=actor)

    def complete(self, actor: Actor) -> None:
        self._require("complete")
        self._complete(actor=actor)

    class Completed(Aggregate.Event):
        actor: Actor

    @event(Completed)
    def _complete(self, actor: Actor) -> None:
        self.status = "completed"

    def cancel(self, phi: Reason, actor: Actor) -> None:
        self._require("cancel")
        self._cancel(patient_id=self.patient_id, phi=phi, actor=actor)

    class Cancelled(Aggregate.Event):
        patient_id: str
        phi: Reason
        actor: Actor

    @event(Cancelled)
    def _cancel(self, patient_id: str, phi: Reason, actor: Actor) -> None:
        self.status = "cancelled"

    def mark_no_show(self, actor: Actor) -> None:
        self._require("no_show")
        self._mark_no_show(actor=actor)

    class MarkedNoShow(Aggregate.Event):
        actor: Actor

    @event(MarkedNoShow)
    def _mark_no_show(self, actor: Actor) -> None:
        self.status = "no_show"

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    def _require(self, action: str) -> None:
        if self.status not in ALLOWED_FROM[action]:
            raise InvalidTransitionError(
                f"cannot {action.replace('_', ' ')} an appointment that is {self.status}",
                status=self.status,
            )

