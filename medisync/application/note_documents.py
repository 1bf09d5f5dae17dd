"""Use cases: documents drawn from a visit's note: the patient summary and letters.

Each is drawn only from the note's current version (the signed one, once the
note is signed and not amended since) and records which version it was drawn
from; it is generated, edited and sent as events of a ``NoteDocument`` (D48).
The writing itself (plain language, reading grade, letter layout) belongs to
the ML package, reached through the ``NoteDocumentComposer`` port.
"""

from __future__ import annotations

from typing import Protocol

from medisync.application.access import NOTE_WRITERS, require_role
from medisync.application.app import MediSyncApplication
from medisync.application.appointments import AppointmentService
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.appointment import Appointment
from medisync.domain.clinical_note import ClinicalNote
from medisync.domain.errors import InvalidTransitionError, NotFoundError, ValidationError
from medisync.domain.note_content import NoteVersion
from medisync.domain.note_document import LETTER_KINDS, PATIENT_SUMMARY, NoteDocument
from medisync.domain.patient import Patient
from medisync.domain.phi import DocumentText
from medisync.domain.user import User


class NoteDocumentComposer(Protocol):
    def summarize(self, version: NoteVersion) -> tuple[str, float]:
        """(plain-language text, Flesch-Kincaid grade) of a note version."""

    def reading_grade(self, text: str) -> float: ...

    def letter(self, kind: str, version: NoteVersion, recipient: str, patient_name: str,
               clinician_name: str, visit_date: str) -> str: ...


class NoteDocumentService:
    def __init__(self, app: MediSyncApplication, appointments: AppointmentService,
                 composer: NoteDocumentComposer) -> None:
        self.app = app
        self.appointments = appointments
        self.composer = composer

    def summarize(self, principal: Principal, appointment_id: str) -> CommandResult:
        require_role(principal, NOTE_WRITERS, "write patient summaries")
        appointment = self.appointments.load_visible(principal, appointment_id)
        note, version = self._note_version(appointment)
        text, grade = self.composer.summarize(version)
        return self._generated(principal, appointment, note, version, PATIENT_SUMMARY, {"text": text}, grade)

    def write_letter(self, principal: Principal, appointment_id: str, kind: str,
                     recipient: str) -> CommandResult:
        require_role(principal, NOTE_WRITERS, "write letters")
        if kind not in LETTER_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(LETTER_KINDS)}", field="kind")
        appointment = self.appointments.load_visible(principal, appointment_id)
        note, version = self._note_version(appointment)
        patient = self.app.load(appointment.patient_id, "patient", Patient).demographics
        doctor = self.app.load(appointment.doctor_id, "doctor", User)
        text = self.composer.letter(
            kind, version, recipient, f"{patient.get('first_name', '')} {patient.get('last_name', '')}".strip(),
            doctor.full_name, str(appointment.start)[:10])
        return self._generated(principal, appointment, note, version, kind,
                               {"text": text, "recipient": recipient}, None)

    def edit(self, principal: Principal, appointment_id: str, document_id: str, text: str) -> CommandResult:
        require_role(principal, NOTE_WRITERS, "edit patient documents")
        document = self._load_visible(principal, appointment_id, document_id)
        grade = self.composer.reading_grade(text) if document.kind == PATIENT_SUMMARY else None
        changed = document.edit(text, grade, principal.actor())
        return CommandResult(document_id, self.app.commit(document) if changed else None, created=False)

    def send(self, principal: Principal, appointment_id: str, document_id: str, channel: str) -> CommandResult:
        """Record that the document was handed over (MediSync itself delivers nothing)."""
        require_role(principal, NOTE_WRITERS, "send patient documents")
        document = self._load_visible(principal, appointment_id, document_id)
        document.send(channel, principal.actor())
        return CommandResult(document_id, self.app.commit(document), created=False)

    def _note_version(self, appointment: Appointment) -> tuple[ClinicalNote, NoteVersion]:
        note_id = ClinicalNote.create_id(str(appointment.id))
        note = self.app.load(note_id, "note", ClinicalNote) if self.app.exists(note_id) else None
        if note is None or note.current is None:
            raise InvalidTransitionError("there is no note to draw from yet")
        return note, note.current.copy()

    def _generated(self, principal: Principal, appointment: Appointment, note: ClinicalNote,
                   version: NoteVersion, kind: str, phi: DocumentText,
                   grade: float | None) -> CommandResult:
        document = NoteDocument.generate(
            practice_id=principal.practice_id, appointment_id=str(appointment.id),
            patient_id=appointment.patient_id, doctor_id=appointment.doctor_id, note_id=str(note.id),
            note_version=version["version"], note_signed=bool(version.get("signed_by")), kind=kind,
            phi=phi, reading_grade=grade, actor=principal.actor())
        return CommandResult(str(document.id), self.app.commit(document))

    def _load_visible(self, principal: Principal, appointment_id: str, document_id: str) -> NoteDocument:
        self.appointments.load_visible(principal, appointment_id)
        document = self.app.load(document_id, "document", NoteDocument)
        if document.practice_id != principal.practice_id or document.appointment_id != appointment_id:
            raise NotFoundError("document not found")
        return document
