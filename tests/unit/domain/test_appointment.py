"""Appointment lifecycle and the DoctorSchedule's double-booking rule."""

from __future__ import annotations

from typing import Any

import pytest

from medisync.domain.appointment import APPOINTMENT_TYPES, Appointment
from medisync.domain.doctor_schedule import DoctorSchedule
from medisync.domain.errors import ConflictError, InvalidTransitionError, ValidationError
from medisync.domain.ids import derived_id
from tests.support.appointment_states import ACTIONS, PATHS, new_appointment

RESULT = {"reschedule": ("rescheduled", "Rescheduled"), "check_in": ("checked_in", "CheckedIn"),
          "start": ("started", "Started"), "complete": ("completed", "Completed"),
          "cancel": ("cancelled", "Cancelled"), "no_show": ("no_show", "MarkedNoShow")}
VALID = {
    ("scheduled", "reschedule"), ("scheduled", "check_in"), ("scheduled", "start"),
    ("scheduled", "cancel"), ("scheduled", "no_show"),
    ("rescheduled", "reschedule"), ("rescheduled", "check_in"), ("rescheduled", "start"),
    ("rescheduled", "cancel"), ("rescheduled", "no_show"),
    ("checked_in", "start"), ("checked_in", "cancel"),
    ("started", "complete"),
}
ALL = [(state, action) for state in PATHS for action in ACTIONS]


def in_state(state: str) -> Appointment:
    appointment = new_appointment()
    for step in PATHS[state]:
        ACTIONS[step](appointment)
    assert appointment.status == state
    appointment.collect_events()
    return appointment


def test_scheduling_records_the_visit() -> None:
    appointment = new_appointment()
    (scheduled,) = appointment.collect_events()
    assert type(scheduled).__qualname__ == "Appointment.Scheduled"
    assert scheduled.phi == {"reason": "check"}
    assert (appointment.status, appointment.reason, appointment.is_terminal) == ("scheduled", "check", False)


@pytest.mark.parametrize("state,action", sorted(VALID))
def test_valid_transition(state: str, action: str) -> None:
    appointment = in_state(state)
    ACTIONS[action](appointment)
    status, event_name = RESULT[action]
    assert appointment.status == status
    assert [type(e).__qualname__ for e in appointment.collect_events()] == [f"Appointment.{event_name}"]


@pytest.mark.parametrize("state,action", sorted(set(ALL) - VALID))
def test_invalid_transition_refused(state: str, action: str) -> None:
    appointment = in_state(state)
    with pytest.raises(InvalidTransitionError) as refused:
        ACTIONS[action](appointment)
    assert refused.value.details == {"status": state}
    assert appointment.status == state and appointment.collect_events() == []


@pytest.mark.parametrize("state", ["completed", "cancelled", "no_show"])
def test_terminal_states_refuse_everything(state: str) -> None:
    appointment = in_state(state)
    assert appointment.is_terminal
    for action in ACTIONS.values():
        with pytest.raises(InvalidTransitionError, match=f"that is {state}"):
            action(appointment)


def test_reschedule_moves_the_visit() -> None:
    appointment = in_state("scheduled")
    ACTIONS["reschedule"](appointment)
    assert (appointment.start, appointment.duration_minutes) == ("2027-01-05T10:00:00+00:00", 45)


@pytest.mark.parametrize("kind", APPOINTMENT_TYPES)
def test_every_appointment_type_accepted(kind: str) -> None:
    assert new_appointment(appointment_type=kind).appointment_type == kind


@pytest.mark.parametrize("overrides,field", [
    ({"appointment_type": "spa_day"}, "type"),
    ({"duration_minutes": 4}, "duration_minutes"),
    ({"duration_minutes": 481}, "duration_minutes"),
    ({"duration_minutes": 0}, "duration_minutes"),
])
def test_type_and_duration_validated(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        new_appointment(**overrides)
    assert refused.value.details == {"field": field}


@pytest.mark.parametrize("minutes", [5, 480])
def test_duration_bounds_inclusive(minutes: int) -> None:
    assert new_appointment(duration_minutes=minutes).duration_minutes == minutes


# DoctorSchedule ---------------------------------------------------------------
def new_schedule() -> DoctorSchedule:
    schedule = DoctorSchedule(doctor_id="doc-1")
    assert schedule.id == derived_id("schedule", "doc-1") == DoctorSchedule.create_id("doc-1")
    schedule.collect_events()
    return schedule


@pytest.mark.parametrize("start,end", [(100, 200), (50, 150), (150, 250), (120, 180), (0, 1000)])
def test_overlap_refused(start: float, end: float) -> None:
    schedule = new_schedule()
    schedule.book(appointment_id="a", starts_at=100, ends_at=200)
    with pytest.raises(ConflictError) as refused:
        schedule.book(appointment_id="b", starts_at=start, ends_at=end)
    assert refused.value.details == {"conflicting_appointment_id": "a"}
    assert schedule.bookings == {"a": (100, 200)}
    assert [type(e).__qualname__ for e in schedule.collect_events()] == ["DoctorSchedule.Booked"]


def test_adjacent_slots_allowed() -> None:
    schedule = new_schedule()
    schedule.book(appointment_id="a", starts_at=100, ends_at=200)
    schedule.book(appointment_id="before", starts_at=0, ends_at=100)
    schedule.book(appointment_id="after", starts_at=200, ends_at=300)
    assert schedule.bookings == {"a": (100, 200), "before": (0, 100), "after": (200, 300)}


def test_release_frees_the_slot_and_unknown_release_is_silent() -> None:
    schedule = new_schedule()
    schedule.book(appointment_id="a", starts_at=100, ends_at=200)
    schedule.release(appointment_id="a")
    schedule.release(appointment_id="never-booked")
    schedule.book(appointment_id="b", starts_at=100, ends_at=200)
    assert schedule.bookings == {"b": (100, 200)}
    assert [type(e).__qualname__ for e in schedule.collect_events()] == [
        "DoctorSchedule.Booked", "DoctorSchedule.Released", "DoctorSchedule.Booked"]


def test_rescheduling_the_same_appointment_over_itself_is_allowed() -> None:
    schedule = new_schedule()
    schedule.book(appointment_id="a", starts_at=100, ends_at=200)
    schedule.book(appointment_id="a", starts_at=150, ends_at=250)
    assert schedule.bookings == {"a": (150, 250)}
