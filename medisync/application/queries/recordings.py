"""Queries: recordings, their audio and transcripts."""

from __future__ import annotations

import builtins

from medisync.application.access import scope_of
from medisync.application.principal import Principal
from medisync.application.queries.appointments import AppointmentQueries
from medisync.application.queries.reads import Page, RecordingReads
from medisync.application.queries.rows import LatestTranscriptionRow, RecordingRow
from medisync.domain.errors import NotFoundError


class RecordingQueries:
    def __init__(self, reads: RecordingReads, appointments: AppointmentQueries) -> None:
        self.reads = reads
        self.appointments = appointments

    def list(self, principal: Principal, page: Page) -> tuple[list[RecordingRow], int]:
        return self.reads.list_recordings(scope_of(principal, "list recordings"), page)

    def for_appointment(self, principal: Principal, appointment_id: str) -> builtins.list[RecordingRow]:
        self.appointments.get(principal, appointment_id)
        return self.reads.recordings_for_appointment(appointment_id)

    def latest_audio(self, principal: Principal, appointment_id: str) -> RecordingRow:
        recordings = self.for_appointment(principal, appointment_id)
        if not recordings:
            raise NotFoundError("recording not found")
        return recordings[-1]

    def transcription(self, principal: Principal, appointment_id: str) -> LatestTranscriptionRow:
        self.appointments.get(principal, appointment_id)
        row = self.reads.latest_transcription(appointment_id)
        if row is None:
            raise NotFoundError("no transcription for this appointment")
        return row.copy()
