"""A fresh Appointment aggregate, and the actions that bring one into each state."""

from __future__ import annotations

from typing import Any, Callable

from medisync.domain.appointment import Appointment

ACTOR = {"user_id": "u-1", "practice_id": "p-1", "request_id": ""}
START = "2027-01-04T09:00:00+00:00"


def new_appointment(**overrides: Any) -> Appointment:
    fields = {"practice_id": "p-1", "patient_id": "pat-1", "doctor_id": "doc-1", "start": START,
              "duration_minutes": 30, "appointment_type": "follow_up", "phi": {"reason": "check"},
              "actor": ACTOR, **overrides}
    return Appointment.schedule(**fields)


ACTIONS: dict[str, Callable[[Appointment], None]] = {
    "reschedule": lambda a: a.reschedule(start="2027-01-05T10:00:00+00:00", duration_minutes=45, actor=ACTOR),
    "check_in": lambda a: a.check_in(actor=ACTOR),
    "start": lambda a: a.begin(actor=ACTOR),
    "complete": lambda a: a.complete(actor=ACTOR),
    "cancel": lambda a: a.cancel(phi={"reason": "sick"}, actor=ACTOR),
    "no_show": lambda a: a.mark_no_show(actor=ACTOR),
}
# How to bring a fresh appointment into each state.
PATHS = {"scheduled": [], "rescheduled": ["reschedule"], "checked_in": ["check_in"],
         "started": ["check_in", "start"], "completed": ["check_in", "start", "complete"],
         "cancelled": ["cancel"], "no_show": ["no_show"]}
