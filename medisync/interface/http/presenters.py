"""Read-model rows to API representations."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Mapping

from medisync.application.identity import UserView
from medisync.application.queries.rows import (AppointmentRow, DocumentRow, HistoryRow, InsuranceRow,
                                               NoteDocumentRow, NoteWithVersions, PatientRow, RecordingRow,
                                               TemplateView, UserRow)
from medisync.interface.fhir.document_reference import transcript_text

USER = ("id", "email", "full_name", "role", "tier", "practice_id", "active", "created_at")
PATIENT = ("id", "mrn", "first_name", "last_name", "date_of_birth", "sex", "phone", "email",
           "archived", "registered_by", "created_at", "updated_at", "version")
APPOINTMENT = ("id", "patient_id", "doctor_id", "duration_minutes", "type", "reason", "status",
               "cancel_reason", "created_at", "updated_at", "version")
RECORDING = ("id", "appointment_id", "patient_id", "doctor_id", "content_type", "size_bytes",
             "sha256", "duration_s", "transcription_status", "note_draft_status", "attempts", "error",
             "uploaded_by",
             "deleted", "created_at", "updated_at", "version")
DOCUMENT = ("id", "patient_id", "appointment_id", "kind", "title", "content_type", "size_bytes",
            "sha256", "uploaded_by", "created_at", "version")
NOTE_VERSION = ("version", "status", "source", "subjective", "objective", "assessment", "plan",
                "free_text", "template", "sections", "insights", "provenance", "author_id",
                "created_at", "signed_by",
                "signed_at")
NOTE_TEMPLATE = ("id", "name", "specialty", "loinc_code", "sections", "builtin", "template_version",
                 "created_at", "updated_at")
NOTE_DOCUMENT = ("id", "appointment_id", "patient_id", "kind", "recipient", "text", "reading_grade",
                 "note_version", "note_signed", "status", "sent_channel", "sent_at", "author_id",
                 "created_at", "updated_at", "version")
HISTORY = ("id", "kind", "status", "created_at", "updated_at")
TRANSCRIPT_STATUS = {"pending": "pending", "processing": "processing", "completed": "completed",
                     "failed": "processing", "dead_lettered": "failed"}


def pick(row: Mapping[str, object], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: row.get(key) for key in keys}


def user(row: UserRow | UserView) -> dict[str, Any]:
    return pick(row, USER)


def patient(row: PatientRow) -> dict[str, Any]:
    return pick(row, PATIENT)


def appointment(row: AppointmentRow) -> dict[str, Any]:
    start: datetime = row["start_at"]
    return {**pick(row, APPOINTMENT), "start": start.isoformat(),
            "end": (start + timedelta(minutes=row["duration_minutes"])).isoformat()}


def recording(row: RecordingRow) -> dict[str, Any]:
    return {**pick(row, RECORDING),
            "audio_url": f"/api/v1/recordings/{row['appointment_id']}/audio"}


def document(row: DocumentRow) -> dict[str, Any]:
    return {**pick(row, DOCUMENT), "content_url": f"/api/v1/documents/{row['id']}/content"}


def history_entry(row: HistoryRow) -> dict[str, Any]:
    return {**pick(row, HISTORY), **row["data"]}


def insurance(row: InsuranceRow) -> dict[str, Any]:
    return {"id": row["id"], **row["data"], "primary": row["is_primary"]}


def note(found: NoteWithVersions) -> dict[str, Any]:
    versions = [pick(v, NOTE_VERSION) for v in found["versions"]]
    current_number = found["note"]["current_version"]
    current = next((v for v in versions if v["version"] == current_number), None)
    return {"appointment_id": found["note"]["appointment_id"], "current": current,
            "versions": versions, "signed": found["note"]["signed"]}


def note_template(row: TemplateView) -> dict[str, Any]:
    view: Mapping[str, object] = row
    found: dict[str, Any] = {key: view[key] for key in NOTE_TEMPLATE if key in view}
    if "versions" in row:
        found["versions"] = [{"template_version": v["template_version"], **v["definition"],
                              "author_id": v["author_id"], "created_at": v["created_at"]} for v in row["versions"]]
    return found


def note_document(row: NoteDocumentRow) -> dict[str, Any]:
    return pick(row, NOTE_DOCUMENT)


def transcription(row: dict[str, Any]) -> dict[str, Any]:
    """A ``LatestTranscriptionRow``; its document read as the JSON it is (older ones lack fields)."""
    document_ = row.get("document") or {}
    status = "completed" if document_ else TRANSCRIPT_STATUS.get(row["transcription_status"], "pending")
    return {"appointment_id": row["appointment_id"], "recording_id": row["id"], "status": status,
            "error": row.get("error") if status == "failed" else None,
            "attempts": row.get("attempts"),
            "language": document_.get("language"), "duration_s": document_.get("duration_s"),
            "model": document_.get("model"), "segments": document_.get("segments", []),
            "text": document_.get("text", ""),
            # as clinicians read it, and as FHIR exports it: '[mm:ss] Speaker (role): words' per turn
            "labelled_text": transcript_text(document_) if document_ else "",
            "metrics": document_.get("metrics")}
