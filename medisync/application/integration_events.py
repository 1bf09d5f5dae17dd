"""Domain events → versioned integration-event envelopes for the stream.

Each published event type has an explicit whitelist of fields. Nothing is
dumped wholesale: ``phi`` fields never leave, nor do free text, names, dates
of birth, contact details, MRNs, transcripts or note text. docs/events.md
lists exactly what goes out; a test scans the stream for PHI.
"""

from __future__ import annotations

import uuid
from typing import Callable, Mapping, TypedDict
from uuid import UUID

from eventsourcing.domain import Aggregate

from medisync.domain.appointment import Appointment
from medisync.domain.clinical_note import ClinicalNote
from medisync.domain.document import Document
from medisync.domain.note_document import NoteDocument
from medisync.domain.note_template import NoteTemplate
from medisync.domain.patient import Patient
from medisync.domain.practice import Practice
from medisync.domain.recording import Recording
from medisync.domain.template_defaults import TemplateDefaults
from medisync.domain.user import User

SCHEMA_VERSION = 1
_EVENT_ID_NAMESPACE = uuid.UUID("0c8a3f57-52a4-4f0e-a1d6-0f7a6c7d2b19")

# Topic name → partitions. Busy, many-aggregate streams get more partitions;
# order only matters per aggregate, which the key (aggregate id) keeps.
TOPICS: dict[str, int] = {
    "medisync.patient.v1": 6,
    "medisync.appointment.v1": 6,
    "medisync.recording.v1": 3,
    "medisync.note.v1": 3,
    "medisync.document.v1": 3,
    "medisync.user.v1": 1,
}
# Jobs the ML worker gave up on, for an operator to look at (also visible in the API).
DEAD_LETTER_TOPIC = "medisync.ml.deadletter.v1"
TOPICS[DEAD_LETTER_TOPIC] = 1

# An event's whitelisted fields; each takes the event class it is listed under in MAPPINGS.
Fields = Callable[..., dict[str, object]]


class IntegrationEvent(TypedDict):
    """The envelope published to the stream (docs/events.md): ids and whitelisted fields, no PHI."""

    event_id: str
    type: str
    schema_version: int
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int
    practice_id: str | None
    occurred_at: str
    actor_id: str | None
    data: dict[str, object]


def _take(*names: str) -> Fields:
    return lambda e: {name: getattr(e, name) for name in names}


def _phi_keys(e: Patient.DemographicsUpdated) -> dict[str, object]:
    # Which demographics changed (names of fields, not their values).
    return {"fields_changed": sorted(e.phi)}


def _summary(e: Recording.Transcribed) -> dict[str, object]:
    keep = ("language", "duration_s", "speaker_count", "segment_count", "metrics", "model")
    summary: Mapping[str, object] = e.summary
    return {key: summary.get(key) for key in keep}


def _provenance(e: ClinicalNote.Generated) -> dict[str, object]:
    keep = ("generator", "generator_version", "model", "transcript_version", "template", "template_version")
    provenance: Mapping[str, object] = e.provenance or {}
    return {"version": e.version, "becomes_current": e.becomes_current,
            **{key: provenance.get(key) for key in keep}}


def _template(e: NoteTemplate.Defined | NoteTemplate.Revised) -> dict[str, object]:
    # A template's name, specialty, titles and guidance are free text: only its shape goes out.
    definition = e.definition or {}
    return {"template_version": getattr(e, "template_version", 1),
            "loinc_code": definition.get("loinc_code"), "section_count": len(definition.get("sections") or [])}


MAPPINGS: dict[type, tuple[str, str, Fields]] = {
    Practice.Registered: ("medisync.user.v1", "practice.registered", _take()),
    User.Registered: ("medisync.user.v1", "user.registered", _take("role", "tier")),
    User.RoleChanged: ("medisync.user.v1", "user.role_changed", _take("role")),
    User.TierChanged: ("medisync.user.v1", "user.tier_changed", _take("tier")),
    User.Deactivated: ("medisync.user.v1", "user.deactivated", _take()),
    User.PasswordChanged: ("medisync.user.v1", "user.password_changed", _take()),
    Patient.Registered: ("medisync.patient.v1", "patient.registered", _take("registered_by")),
    Patient.DemographicsUpdated: ("medisync.patient.v1", "patient.demographics_updated", _phi_keys),
    Patient.Archived: ("medisync.patient.v1", "patient.archived", _take()),
    Patient.HistoryEntryAdded: ("medisync.patient.v1", "patient.history_entry_added", _take("entry_id", "kind")),
    Patient.HistoryEntryUpdated: ("medisync.patient.v1", "patient.history_entry_updated", _take("entry_id")),
    Patient.HistoryEntryResolved: ("medisync.patient.v1", "patient.history_entry_resolved", _take("entry_id")),
    Patient.InsuranceAdded: ("medisync.patient.v1", "patient.insurance_added", _take("policy_id", "primary")),
    Patient.InsuranceUpdated: ("medisync.patient.v1", "patient.insurance_updated", _take("policy_id", "primary")),
    Patient.InsuranceRemoved: ("medisync.patient.v1", "patient.insurance_removed", _take("policy_id")),
    Appointment.Scheduled: ("medisync.appointment.v1", "appointment.scheduled",
                            _take("patient_id", "doctor_id", "start", "duration_minutes", "appointment_type")),
    Appointment.Rescheduled: ("medisync.appointment.v1", "appointment.rescheduled", _take("start", "duration_minutes")),
    Appointment.CheckedIn: ("medisync.appointment.v1", "appointment.checked_in", _take()),
    Appointment.Started: ("medisync.appointment.v1", "appointment.started", _take()),
    Appointment.Completed: ("medisync.appointment.v1", "appointment.completed", _take()),
    Appointment.Cancelled: ("medisync.appointment.v1", "appointment.cancelled", _take()),
    Appointment.MarkedNoShow: ("medisync.appointment.v1", "appointment.no_show", _take()),
    Recording.Uploaded: ("medisync.recording.v1", "recording.uploaded",
                         _take("appointment_id", "patient_id", "doctor_id", "content_type",
                               "size_bytes", "duration_s")),
    Recording.Deleted: ("medisync.recording.v1", "recording.deleted", _take()),
    Recording.TranscriptionStarted: ("medisync.recording.v1", "recording.transcription_started", _take("attempt")),
    Recording.Transcribed: ("medisync.recording.v1", "recording.transcribed", _summary),
    Recording.TranscriptionFailed: ("medisync.recording.v1", "recording.transcription_failed", _take("attempt")),
    Recording.DeadLettered: ("medisync.recording.v1", "recording.dead_lettered", _take()),
    Recording.NoteDrafted: ("medisync.recording.v1", "recording.note_drafted", _take()),
    Recording.NoteDraftFailed: ("medisync.recording.v1", "recording.note_draft_failed", _take("attempts")),
    ClinicalNote.Opened: ("medisync.note.v1", "note.opened", _take("appointment_id", "patient_id", "doctor_id")),
    ClinicalNote.Written: ("medisync.note.v1", "note.written", _take("version", "status")),
    ClinicalNote.Generated: ("medisync.note.v1", "note.generated", _provenance),
    ClinicalNote.Signed: ("medisync.note.v1", "note.signed", _take("version", "status")),
    NoteTemplate.Defined: ("medisync.note.v1", "note_template.defined", _template),
    NoteTemplate.Revised: ("medisync.note.v1", "note_template.revised", _template),
    NoteTemplate.Deleted: ("medisync.note.v1", "note_template.deleted", _take()),
    TemplateDefaults.DefaultChosen: ("medisync.note.v1", "note_template_defaults.chosen",
                                     _take("doctor_id", "template_id")),
    NoteDocument.Generated: ("medisync.note.v1", "note_document.generated",
                             _take("appointment_id", "patient_id", "doctor_id", "note_id", "note_version",
                                   "note_signed", "kind", "reading_grade")),
    NoteDocument.Edited: ("medisync.note.v1", "note_document.edited", _take("reading_grade")),
    NoteDocument.Sent: ("medisync.note.v1", "note_document.sent", _take("channel")),
    Document.Uploaded: ("medisync.document.v1", "document.uploaded",
                        _take("patient_id", "appointment_id", "kind", "content_type", "size_bytes")),
    Document.Deleted: ("medisync.document.v1", "document.deleted", _take()),
}


def event_id(aggregate_id: UUID | str, version: int) -> str:
    """Stable across re-publication, so consumers can dedupe."""
    return str(uuid.uuid5(_EVENT_ID_NAMESPACE, f"{aggregate_id}:{version}"))


def to_messages(domain_event: Aggregate.Event) -> list[tuple[str, IntegrationEvent]]:
    """Every (topic, envelope) to publish; dead-lettered jobs also go to the DLQ topic."""
    mapped = to_envelope(domain_event)
    if mapped is None:
        return []
    if isinstance(domain_event, Recording.DeadLettered):
        return [mapped, (DEAD_LETTER_TOPIC, mapped[1])]
    return [mapped]


def to_envelope(domain_event: Aggregate.Event) -> tuple[str, IntegrationEvent] | None:
    """(topic, envelope), or None for internal events (indexes, schedules)."""
    mapping = MAPPINGS.get(type(domain_event))
    if mapping is None:
        return None
    topic, event_type, fields = mapping
    actor: Mapping[str, str] = getattr(domain_event, "actor", None) or {}
    aggregate_type = event_type.split(".")[0]
    practice_id = getattr(domain_event, "practice_id", None) or actor.get("practice_id")
    return topic, {
        "event_id": event_id(domain_event.originator_id, domain_event.originator_version),
        "type": event_type,
        "schema_version": SCHEMA_VERSION,
        "aggregate_type": aggregate_type,
        "aggregate_id": str(domain_event.originator_id),
        "aggregate_version": domain_event.originator_version,
        "practice_id": str(practice_id) if practice_id else None,
        "occurred_at": domain_event.timestamp.isoformat(),
        "actor_id": actor.get("user_id"),
        "data": fields(domain_event),
    }
