"""Use cases: clinicians write, amend and sign notes; the ML pipeline drafts them."""

from __future__ import annotations

from medisync.application.access import NOTE_WRITERS, require_role
from medisync.application.app import MediSyncApplication, retry_on_conflict
from medisync.application.appointments import AppointmentService
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.actor import Actor
from medisync.domain.appointment import Appointment
from medisync.domain.clinical_note import ClinicalNote
from medisync.domain.errors import ForbiddenError
from medisync.domain.note_content import NoteContent, NoteDraft, Provenance


class NoteService:
    def __init__(self, app: MediSyncApplication, appointments: AppointmentService) -> None:
        self.app = app
        self.appointments = appointments

    def write(self, principal: Principal, appointment_id: str,
              sections: NoteContent) -> CommandResult:
        require_role(principal, NOTE_WRITERS, "write notes")
        appointment = self.appointments.load_visible(principal, appointment_id)

        def command() -> CommandResult:
            note, created = self._note_for(appointment, principal.actor())
            note.write(phi=sections, actor=principal.actor())
            return CommandResult(appointment_id, self.app.commit(note), created=created)
        return retry_on_conflict(command)

    def sign(self, principal: Principal, appointment_id: str) -> CommandResult:
        appointment = self.appointments.load_visible(principal, appointment_id)
        if principal.user_id != appointment.doctor_id:
            raise ForbiddenError("only the appointment's doctor may sign its note")

        def command() -> CommandResult:
            note = self.app.load(ClinicalNote.create_id(appointment_id), "note", ClinicalNote)
            note.sign(actor=principal.actor())
            # The signed note ends the visit (D42), in the same transaction as the signature.
            visit = self.appointments.load_visible(principal, appointment_id)
            visit.note_signed(actor=principal.actor())
            return CommandResult(appointment_id, self.app.commit(note, visit), created=False)
        return retry_on_conflict(command)

    def record_generated(self, appointment_id: str, draft: NoteDraft, actor: Actor,
                         transcript_version: int | None) -> int | None:
        """Append an AI draft (the ML worker's or an on-demand regeneration)."""
        appointment = self.app.load(appointment_id, "appointment", Appointment)
        provenance: Provenance = {**draft.get("provenance", {}), "transcript_version": transcript_version}
        content: NoteContent = {
            "subjective": draft.get("subjective", ""), "objective": draft.get("objective", ""),
            "assessment": draft.get("assessment", ""), "plan": draft.get("plan", ""),
            "insights": draft.get("insights"), "template": draft.get("template"), "sections": draft.get("sections")}

        def command() -> int | None:
            note, _ = self._note_for(appointment, actor)
            note.record_generated(phi=content, provenance=provenance, actor=actor)
            return self.app.commit(note)
        return retry_on_conflict(command)

    def _note_for(self, appointment: Appointment, actor: Actor) -> tuple[ClinicalNote, bool]:
        note_id = ClinicalNote.create_id(str(appointment.id))
        if self.app.exists(note_id):
            return self.app.load(note_id, "note", ClinicalNote), False
        note = ClinicalNote(practice_id=appointment.practice_id, appointment_id=str(appointment.id),
                            patient_id=appointment.patient_id, doctor_id=appointment.doctor_id,
                            actor=actor)
        return note, True
