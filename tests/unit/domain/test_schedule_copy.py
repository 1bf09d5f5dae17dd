"""A doctor's schedule is copied on every load from and save to the aggregate cache (D30), and its
bookings only grow: the copy shares its immutable (start, end) pairs instead of copying each one
(D82), and shares nothing that can change with the original."""

from __future__ import annotations

from copy import deepcopy

from medisync.domain.doctor_schedule import DoctorSchedule


def _schedule(bookings: int) -> DoctorSchedule:
    schedule = DoctorSchedule(doctor_id="doctor-1")
    for index in range(bookings):
        schedule.book(appointment_id=f"a{index}", starts_at=index * 100.0, ends_at=index * 100.0 + 50)
    return schedule


def test_a_copy_shares_the_booking_pairs_and_nothing_that_can_change() -> None:
    schedule = _schedule(3)
    copied = deepcopy(schedule)
    assert copied.bookings == schedule.bookings and copied.version == schedule.version
    assert copied.bookings is not schedule.bookings
    assert all(type(pair) is tuple for pair in schedule.bookings.values())
    assert all(copied.bookings[key] is pair for key, pair in schedule.bookings.items())  # not copied one by one
    assert copied.collect_events() == schedule.collect_events()  # equal pending events, in lists of their own


def test_changing_the_copy_leaves_the_original_as_it_was() -> None:
    schedule = _schedule(3)
    schedule.collect_events()
    before = (schedule.version, dict(schedule.bookings))
    copied = deepcopy(schedule)
    copied.book(appointment_id="a3", starts_at=1000.0, ends_at=1050.0)
    copied.book(appointment_id="a1", starts_at=2000.0, ends_at=2050.0)  # a reschedule replaces the pair
    copied.release(appointment_id="a0")
    assert (schedule.version, schedule.bookings) == before
    assert schedule.collect_events() == [] and len(copied.collect_events()) == 3
    assert copied.bookings == {"a1": (2000.0, 2050.0), "a2": (200.0, 250.0), "a3": (1000.0, 1050.0)}
