"""What each query asks of the read models: one Protocol per query class (D63).

``adapters/postgres/queries.py:PostgresQueries`` implements them all; a test
may hand a query class anything with the few methods its Protocol names.
A list is filtered by the access policy's ``Scope``; a page is a ``Page``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypedDict

from medisync.application.access import Scope
from medisync.application.ports import AccessQueries
from medisync.application.queries.rows import (AppointmentRow, DocumentRow, HistoryRow, InsuranceRow,
                                               LatestTranscriptionRow,
                                               NoteDocumentRow, NoteRow, NoteTemplateRow,
                                               NoteTemplateVersionRow, NoteVersionRow, PatientRow,
                                               RecordingRow, TemplateDefaultRow, TranscriptRow, UserRow)


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


class UserReads(Protocol):
    def get_user(self, user_id: str) -> UserRow | None: ...

    def list_users(self, practice_id: str, page: Page) -> tuple[list[UserRow], int]: ...


class PatientReads(AccessQueries, Protocol):
    def get_patient(self, patient_id: str) -> PatientRow | None: ...

    def search_patients(self, scope: Scope, search: str | None, page: Page,
                        mrn: str | None = None) -> tuple[list[PatientRow], int]: ...

    def patient_history(self, patient_id: str) -> list[HistoryRow]: ...

    def patient_insurance(self, patient_id: str) -> list[InsuranceRow]: ...


class AppointmentFilters(TypedDict, total=False):
    status: str
    date_from: datetime  # starting at or after
    date_to: datetime  # starting before


class AppointmentReads(Protocol):
    def get_appointment(self, appointment_id: str) -> AppointmentRow | None: ...

    def list_appointments(self, scope: Scope, doctor_id: str | None, filters: AppointmentFilters,
                          page: Page) -> tuple[list[AppointmentRow], int]: ...


class AsyncAppointmentReads(Protocol):
    """The same two reads, awaited on the event loop: the hot GETs' port (D66)."""

    async def get_appointment(self, appointment_id: str) -> AppointmentRow | None: ...

    async def list_appointments(self, scope: Scope, doctor_id: str | None, filters: AppointmentFilters,
                                page: Page) -> tuple[list[AppointmentRow], int]: ...


class RecordingReads(Protocol):
    def list_recordings(self, scope: Scope, page: Page) -> tuple[list[RecordingRow], int]: ...

    def recordings_for_appointment(self, appointment_id: str) -> list[RecordingRow]: ...

    def latest_transcription(self, appointment_id: str) -> LatestTranscriptionRow | None: ...


class NoteReads(Protocol):
    def get_note(self, appointment_id: str) -> NoteRow | None: ...

    def note_versions(self, note_id: str) -> list[NoteVersionRow]: ...


class DocumentReads(Protocol):
    def get_document(self, document_id: str) -> DocumentRow | None: ...

    def list_documents(self, patient_id: str, page: Page) -> tuple[list[DocumentRow], int]: ...


class PatientRecordReads(NoteReads, Protocol):
    def get_user(self, user_id: str) -> UserRow | None: ...

    def get_recording(self, recording_id: str) -> RecordingRow | None: ...

    def get_transcript(self, recording_id: str) -> TranscriptRow | None: ...

    def get_note_by_id(self, note_id: str) -> NoteRow | None: ...

    def appointments_for_patient(self, patient_id: str, scope: Scope) -> list[AppointmentRow]: ...

    def recordings_for_patient(self, patient_id: str, scope: Scope) -> list[RecordingRow]: ...

    def transcripts_for_patient(self, patient_id: str, scope: Scope) -> list[TranscriptRow]: ...

    def notes_for_patient(self, patient_id: str, scope: Scope) -> list[NoteRow]: ...

    def documents_for_patient(self, patient_id: str) -> list[DocumentRow]: ...


class NoteTemplateReads(Protocol):
    def note_templates(self, practice_id: str) -> list[NoteTemplateRow]: ...

    def get_note_template(self, template_id: str) -> NoteTemplateRow | None: ...

    def note_template_versions(self, template_id: str) -> list[NoteTemplateVersionRow]: ...

    def template_defaults(self, practice_id: str) -> list[TemplateDefaultRow]: ...


class NoteDocumentReads(Protocol):
    def note_documents(self, appointment_id: str, kinds: tuple[str, ...]) -> list[NoteDocumentRow]: ...

    def get_note_document(self, document_id: str) -> NoteDocumentRow | None: ...

    def note_documents_for_patient(self, patient_id: str, scope: Scope) -> list[NoteDocumentRow]: ...
