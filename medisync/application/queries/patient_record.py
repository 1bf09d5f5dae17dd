"""Queries: one patient's whole record, and its parts by id (the FHIR facade).

The same rules as the other queries: clinical staff only, another
practice's ids are not found, and a doctor sees the appointments they hold
and what hangs off them (recordings, transcripts, notes). Documents belong to
the patient, so whoever may see the patient sees them.
"""

from __future__ import annotations

from medisync.application.access import CLINICAL_STAFF, Scope, require_role, require_same_practice, scope_of
from medisync.application.principal import Principal
from medisync.application.queries.appointments import AppointmentQueries
from medisync.application.queries.patients import PatientQueries
from medisync.application.queries.reads import PatientRecordReads
from medisync.application.queries.rows import (AppointmentRow, NoteRow, NoteVersionRow, PatientDocuments,
                                               PatientRecord, RecordingRow, TranscriptRow, UserRow)
from medisync.domain.errors import NotFoundError


class PatientRecordQueries:
    def __init__(self, reads: PatientRecordReads, patients: PatientQueries,
                 appointments: AppointmentQueries) -> None:
        self.reads = reads
        self.patients = patients
        self.appointments = appointments

    def everything(self, principal: Principal, patient_id: str) -> PatientRecord:
        patient = self.patients.get(principal, patient_id)
        scope = scope_of(principal, "read patient records")
        notes = self.reads.notes_for_patient(patient_id, scope)
        return {
            "patient": patient,
            "appointments": self.reads.appointments_for_patient(patient_id, scope),
            **self._documents(patient_id, scope),
            "notes": [(n.copy(), self.reads.note_versions(str(n["id"]))) for n in notes],
        }

    def documents(self, principal: Principal, patient_id: str) -> PatientDocuments:
        """The patient's recordings, transcripts and documents (no notes or appointments)."""
        self.patients.get(principal, patient_id)
        return self._documents(patient_id, scope_of(principal, "read patient records"))

    def _documents(self, patient_id: str, scope: Scope) -> PatientDocuments:
        """Documents belong to the patient (already checked); the rest to visits in ``scope``."""
        return {"recordings": self.reads.recordings_for_patient(patient_id, scope),
                "transcripts": self.reads.transcripts_for_patient(patient_id, scope),
                "documents": self.reads.documents_for_patient(patient_id)}

    def recording(self, principal: Principal, recording_id: str) -> RecordingRow:
        row = require_same_practice(principal, self.reads.get_recording(recording_id), "recording")
        self.appointments.get(principal, str(row["appointment_id"]))
        if row["deleted"]:
            raise NotFoundError("recording not found")
        return row.copy()

    def transcript(self, principal: Principal, recording_id: str) -> TranscriptRow:
        row = require_same_practice(principal, self.reads.get_transcript(recording_id), "transcript")
        self.appointments.get(principal, str(row["appointment_id"]))
        return row.copy()

    def note(self, principal: Principal, note_id: str) -> tuple[NoteRow, list[NoteVersionRow], AppointmentRow]:
        """A note by its own id: (note, its versions, its appointment)."""
        require_role(principal, CLINICAL_STAFF, "read notes")
        note = require_same_practice(principal, self.reads.get_note_by_id(note_id), "note")
        appointment = self.appointments.get(principal, str(note["appointment_id"]))
        if note["current_version"] is None:
            raise NotFoundError("note not found")
        return note.copy(), self.reads.note_versions(note_id), appointment

    def practitioner(self, principal: Principal, user_id: str) -> UserRow:
        require_role(principal, CLINICAL_STAFF, "read practitioners")
        row = require_same_practice(principal, self.reads.get_user(user_id), "practitioner")
        if row["role"] == "auditor":  # auditors are not practitioners
            raise NotFoundError("practitioner not found")
        return row.copy()
