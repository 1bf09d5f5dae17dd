"""Queries: an appointment's note, current version and history."""

from __future__ import annotations

from medisync.application.access import CLINICAL_STAFF, require_role
from medisync.application.principal import Principal
from medisync.application.queries.appointments import AppointmentQueries
from medisync.application.queries.reads import NoteReads
from medisync.application.queries.rows import NoteWithVersions
from medisync.domain.errors import NotFoundError


class NoteQueries:
    def __init__(self, reads: NoteReads, appointments: AppointmentQueries) -> None:
        self.reads = reads
        self.appointments = appointments

    def get(self, principal: Principal, appointment_id: str) -> NoteWithVersions:
        # Nurses may read notes (they prepare visits) but never write or sign them.
        require_role(principal, CLINICAL_STAFF, "read notes")
        self.appointments.get(principal, appointment_id)
        note = self.reads.get_note(appointment_id)
        if note is None or note["current_version"] is None and not note["version_count"]:
            raise NotFoundError("no note for this appointment")
        versions = self.reads.note_versions(str(note["id"]))
        return {"note": note.copy(), "versions": versions}
