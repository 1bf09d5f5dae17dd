"""The read models' rows, as the queries return them (D63).

One ``TypedDict`` per table of ``adapters/postgres/schema.py``, with the
types the driver returns: ``uuid`` columns are ``UUID``, ``timestamptz``
``datetime``, ``jsonb`` the JSON shape the projection wrote. The interface
turns them into API representations (``interface/http/presenters.py``) and
FHIR resources; nothing below it builds JSON from them.
"""

from __future__ import annotations

from datetime import datetime
from typing import NotRequired, TypedDict
from uuid import UUID

from medisync.domain.note_content import Insights, NoteSection, Provenance
from medisync.domain.note_template import TemplateDefinition, TemplateSection
from medisync.domain.phi import HistoryData, InsuranceData
from medisync.domain.transcript import RecordedTranscript


class Stamped(TypedDict):
    """What every aggregate's row carries: when it changed and the aggregate's version."""

    created_at: datetime
    updated_at: datetime
    version: int


class UserRow(Stamped):
    id: UUID
    practice_id: UUID
    email: str
    full_name: str
    role: str
    tier: str
    active: bool


class Bearer(TypedDict):
    """A token's user (None: no such user) and whether the token was revoked."""

    revoked: bool
    user: UserRow | None


class PatientRow(Stamped):
    id: UUID
    practice_id: UUID
    registered_by: UUID
    mrn: str | None
    first_name: str | None
    last_name: str | None
    date_of_birth: str | None
    sex: str | None
    phone: str | None
    email: str | None
    archived: bool
    search_text: str


class HistoryRow(TypedDict):
    id: UUID
    patient_id: UUID
    kind: str
    status: str
    data: HistoryData
    created_at: datetime
    updated_at: datetime


class InsuranceRow(TypedDict):
    id: UUID
    patient_id: UUID
    data: InsuranceData
    is_primary: bool


class AppointmentRow(Stamped):
    id: UUID
    practice_id: UUID
    patient_id: UUID
    doctor_id: UUID
    start_at: datetime
    duration_minutes: int
    type: str
    reason: str | None
    status: str
    cancel_reason: str | None


class RecordingRow(Stamped):
    id: UUID
    practice_id: UUID
    appointment_id: UUID
    patient_id: UUID
    doctor_id: UUID
    blob_key: str
    sha256: str
    sha1: str | None  # None for uploads recorded before FHIR export needed it
    size_bytes: int
    content_type: str
    duration_s: float | None
    uploaded_by: UUID | None
    deleted: bool
    deleted_by: str | None
    deleted_at: datetime | None
    transcription_status: str
    attempts: int
    error: str | None
    note_draft_status: str | None


class LatestTranscriptionRow(RecordingRow):
    document: RecordedTranscript | None  # None until transcribed


class TranscriptRow(RecordingRow):
    document: RecordedTranscript
    transcribed_at: datetime


class BlobRow(TypedDict):
    id: UUID
    blob_key: str


class LiveBlobRow(BlobRow):
    kind: str  # recording | document
    sha256: str


class NoteRow(Stamped):
    id: UUID
    practice_id: UUID
    appointment_id: UUID
    patient_id: UUID
    doctor_id: UUID
    current_version: int | None
    version_count: int
    signed: bool


class NoteVersionRow(TypedDict):
    note_id: UUID
    patient_id: UUID | None
    version: int
    status: str
    source: str
    subjective: str | None
    objective: str | None
    assessment: str | None
    plan: str | None
    free_text: str | None
    insights: Insights | None
    provenance: Provenance | None
    author_id: str | None
    created_at: datetime
    signed_by: UUID | None
    signed_at: datetime | None
    template: str | None
    sections: list[NoteSection] | None


class DocumentRow(Stamped):
    id: UUID
    practice_id: UUID
    patient_id: UUID
    appointment_id: UUID | None
    kind: str
    title: str | None
    blob_key: str
    sha256: str
    sha1: str | None
    size_bytes: int
    content_type: str
    uploaded_by: UUID | None
    deleted: bool


class NoteTemplateRow(Stamped):
    id: UUID
    practice_id: UUID
    name: str
    specialty: str
    loinc_code: str
    sections: list[TemplateSection]
    template_version: int
    deleted: bool


class NoteTemplateVersionRow(TypedDict):
    template_id: UUID
    template_version: int
    definition: TemplateDefinition
    author_id: str | None
    created_at: datetime


class TemplateDefaultRow(TypedDict):
    practice_id: UUID
    doctor_id: str  # "" for the practice's own default
    template_id: str
    updated_at: datetime


class NoteDocumentRow(Stamped):
    id: UUID
    practice_id: UUID
    appointment_id: UUID
    patient_id: UUID
    doctor_id: UUID
    note_id: UUID
    note_version: int
    note_signed: bool
    kind: str
    recipient: str | None
    text: str
    reading_grade: float | None
    status: str
    sent_channel: str | None
    sent_at: datetime | None
    author_id: str | None


# What the queries assemble from rows ------------------------------------------------
class NoteWithVersions(TypedDict):
    note: NoteRow
    versions: list[NoteVersionRow]


class TemplateView(TypedDict):
    """A template as listed: a built-in (``id`` its name, no stamps) or the practice's own row."""

    id: str | UUID
    name: str
    specialty: str
    loinc_code: str
    sections: list[TemplateSection]
    builtin: bool
    template_version: int | None
    practice_id: NotRequired[UUID]
    deleted: NotRequired[bool]
    created_at: NotRequired[datetime]
    updated_at: NotRequired[datetime]
    version: NotRequired[int]
    versions: NotRequired[list[NoteTemplateVersionRow]]


class TemplateDefaultsView(TypedDict):
    practice: str | None
    doctors: dict[str, str]


class PatientDocuments(TypedDict):
    """A patient's recordings, transcripts and documents (the FHIR DocumentReferences)."""

    recordings: list[RecordingRow]
    transcripts: list[TranscriptRow]
    documents: list[DocumentRow]
    note_documents: NotRequired[list[NoteDocumentRow]]  # added by the FHIR routes


class PatientRecord(PatientDocuments):
    """A patient's whole record, the visits in the caller's scope (FHIR ``$everything``)."""

    patient: PatientRow
    appointments: list[AppointmentRow]
    notes: list[tuple[NoteRow, list[NoteVersionRow]]]
