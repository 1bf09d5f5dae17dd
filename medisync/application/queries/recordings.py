"""Queries: recordings, their audio and transcripts."""

from __future__ import annotations

from typing import Any

from medisync.application.access import scope_of
from medisync.application.principal import Principal
from medisync.application.queries.appointments import AppointmentQueries
from medisync.domain.errors import NotFoundError


class RecordingQueries:
    def __init__(self, reads: Any, appointments: AppointmentQueries) -> None:
        self.reads = reads
        self.appointments = appointments

    def list(self, principal: Principal, page: Any) -> tuple[list[dict[str, Any]], int]:
        return self.reads.list_recordings(scope_of(principal, "list recordings"), page)

    def for_appointment(self, principal: Principal, appointment_id: str) -> list[dict[str, Any]]:
        self.appointments.get(principal, appointment_id)
        return self.reads.recordings_for_appointment(appointment_id)

    def latest_audio(self, principal: Principal, appointment_id: str) -> dict[str, Any]:
        recordings = self.for_appointment(principal, appointment_id)
        if not recordings:
            raise NotFoundError("recording not found")
        return recordings[-1]

    def transcription(self, principal: Principal, appointment_id: str) -> dict[str, Any]:
        self.appointments.get(principal, appointment_id)
        row = self.reads.latest_transcription(appointment_id)
        if row is None:
            raise NotFoundError("no transcription for this appointment")
        return dict(row)
