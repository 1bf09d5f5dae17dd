"""DoctorSchedule: the consistency boundary that prevents double booking.

One schedule per doctor (a derived id). Booking an appointment changes the
schedule and the appointment in one atomic save, so two concurrent bookings
for overlapping times cannot both commit: the second fails the event store's
version check, is retried against the fresh schedule, and is refused.
"""

from __future__ import annotations

from copy import copy, deepcopy
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from medisync.domain.errors import ConflictError
from medisync.domain.ids import derived_id


class DoctorSchedule(Aggregate):
    @staticmethod
    def create_id(doctor_id: str, **_: object) -> UUID:
        return derived_id("schedule", doctor_id)

    class Opened(Aggregate.Created):
        doctor_id: str

    @event(Opened)
    def __init__(self, doctor_id: str) -> None:
        self.doctor_id = doctor_id
        # Each value is an immutable (start, end) pair, replaced or deleted but never changed in place.
        self.bookings: dict[str, tuple[float, float]] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> "DoctorSchedule":
        """A copy that shares nothing mutable with this schedule, as ``deepcopy`` gives, but whose
        bookings are copied as one dict of the same immutable pairs: C time, not Python time per
        booking. The aggregate cache copies a schedule on every load and save (D30), and a doctor's
        bookings only grow (D82: 875 us a copy at 750 bookings, 5 us this way)."""
        copied = copy(self)
        memo[id(self)] = copied
        for name, value in vars(self).items():
            setattr(copied, name, dict(value) if name == "bookings" else deepcopy(value, memo))
        return copied

    def book(self, appointment_id: str, starts_at: float, ends_at: float) -> None:
        self._require_free(appointment_id, starts_at, ends_at)
        self._book(appointment_id=appointment_id, starts_at=starts_at, ends_at=ends_at)

    class Booked(Aggregate.Event):
        appointment_id: str
        starts_at: float
        ends_at: float

    @event(Booked)
    def _book(self, appointment_id: str, starts_at: float, ends_at: float) -> None:
        self.bookings[appointment_id] = (starts_at, ends_at)

    def release(self, appointment_id: str) -> None:
        if appointment_id in self.bookings:
            self._release(appointment_id=appointment_id)

    class Released(Aggregate.Event):
        appointment_id: str

    @event(Released)
    def _release(self, appointment_id: str) -> None:
        del self.bookings[appointment_id]

    def _require_free(self, appointment_id: str, starts_at: float, ends_at: float) -> None:
        for other_id, (other_start, other_end) in self.bookings.items():
            if other_id != appointment_id and starts_at < other_end and other_start < ends_at:
                raise ConflictError(
                    "the doctor already has an appointment at that time",
                    conflicting_appointment_id=other_id,
                )
