"""DocumentReference: visit audio, its transcript and uploaded documents.

Each points at its bytes through an authenticated Binary URL; a transcript
also carries its text inline (text/plain), which is what most EHRs file.

A visit's newest recording (and transcript) is ``current`` and ``replaces``
the earlier ones, which are ``superseded``: a new upload for a visit is a
re-take whose draft replaces the earlier one (D42). ``Currency`` says which.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable

from medisync.interface.fhir import ids
from medisync.interface.fhir.codes import (DOCUMENT_TYPES, MEDISYNC_DOCUMENT_KIND, NOTE_DOCUMENT_TYPES,
                                           TRANSCRIPT_TYPE, US_CORE_DOCUMENT_CATEGORY, concept, coding,
                                           loinc)
from medisync.interface.fhir.elements import drop_empty, instant, meta, reference
from medisync.interface.fhir.narrative import narrated

CLINICAL_NOTE = coding(US_CORE_DOCUMENT_CATEGORY, "clinical-note", "Clinical Note")


@dataclass(frozen=True)
class Currency:
    """Whether a visit's file is its current one, and the earlier resource ids it replaces."""

    status: str = "current"
    replaces: tuple[str, ...] = ()


def currency(rows: Iterable[dict[str, Any]], prefix: str) -> dict[str, Currency]:
    """Per row id: the newest row of each appointment is current, the others superseded."""
    by_visit: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_visit.setdefault(str(row.get("appointment_id")), []).append(row)
    found: dict[str, Currency] = {}
    for visit_rows in by_visit.values():
        *older, newest = sorted(visit_rows, key=lambda r: (r["created_at"], str(r["id"])))
        found[str(newest["id"])] = Currency(replaces=tuple(ids.sourced(prefix, r["id"]) for r in older))
        found.update({str(r["id"]): Currency("superseded") for r in older})
    return found


def sha1_base64(hex_digest: str | None) -> str | None:
    """FHIR's Attachment.hash: the SHA-1 as base64 (we store hex)."""
    return base64.b64encode(bytes.fromhex(hex_digest)).decode() if hex_digest else None


def from_recording(row: dict[str, Any], binary_base: str, current: Currency = Currency()) -> dict[str, Any]:
    resource_id = ids.sourced("rec", row["id"])
    return _document(row, resource_id, current, {
        "type": concept(MEDISYNC_DOCUMENT_KIND, "visit-audio", "Visit audio recording",
                        text="Visit audio recording"),
        "category": [concept(MEDISYNC_DOCUMENT_KIND, "recording", "Recording")],
        "description": "Audio recording of the visit",
        "content": [{"attachment": _attachment(row, f"{binary_base}/{resource_id}", "Visit audio")}],
        "relatesTo": _replaces(current),
    })


def from_transcript(row: dict[str, Any], binary_base: str, current: Currency = Currency()) -> dict[str, Any]:
    text = transcript_text(row["document"]).encode("utf-8")
    resource_id = ids.sourced("tx", row["id"])
    return _document(row, resource_id, current, {
        "type": loinc(TRANSCRIPT_TYPE, text="Visit transcript"),
        "category": [{"coding": [CLINICAL_NOTE]},
                     concept(MEDISYNC_DOCUMENT_KIND, "transcript", "Transcript")],
        "description": "Speaker-attributed transcript of the visit audio",
        "relatesTo": [{"code": "transforms", "target": reference("DocumentReference", ids.sourced("rec", row["id"]))}]
        + _replaces(current),
        "date": instant(row.get("transcribed_at") or row["created_at"]),
        "content": [
            {"attachment": {"contentType": "text/plain; charset=utf-8", "language": "en",
                            "data": base64.b64encode(text).decode(), "size": len(text),
                            "hash": sha1_base64(hashlib.sha1(text, usedforsecurity=False).hexdigest()),
                            "title": "Transcript (text)"}},
            {"attachment": {"contentType": "application/json", "url": f"{binary_base}/{resource_id}",
                            "title": "Transcript with segments, speakers and timings (JSON)"}},
        ],
    })


def from_document(row: dict[str, Any], binary_base: str) -> dict[str, Any]:
    resource_id = ids.sourced("doc", row["id"])
    code, display = DOCUMENT_TYPES.get(row["kind"], DOCUMENT_TYPES["other"])
    return _document(row, resource_id, Currency(), {
        "type": loinc((code, display), text=row["kind"]),
        "category": [concept(MEDISYNC_DOCUMENT_KIND, "uploaded-document", "Uploaded document")],
        "description": row.get("title"),
        "content": [{"attachment": _attachment(row, f"{binary_base}/{resource_id}", row.get("title"))}],
    })


NOTE_DOCUMENT_LABELS = {"patient_summary": "Patient summary", "referral": "Referral letter",
                        "work_note": "Work note", "to_gp": "Letter to the GP"}


def note_document_source(kind: str) -> str:
    return "sum" if kind == "patient_summary" else "ltr"


def from_note_document(row: dict[str, Any], current: Currency = Currency()) -> dict[str, Any]:
    """A patient summary or letter (D48): its text inline, typed by LOINC, tied to the note it restates."""
    label = NOTE_DOCUMENT_LABELS[row["kind"]]
    text = (row.get("text") or "").encode("utf-8")
    source = note_document_source(row["kind"])
    return _document({**row, "uploaded_by": row.get("author_id")}, ids.sourced(source, row["id"]), current, {
        "type": loinc(NOTE_DOCUMENT_TYPES[row["kind"]], text=label),
        "category": [{"coding": [CLINICAL_NOTE]},
                     concept(MEDISYNC_DOCUMENT_KIND, "patient-summary" if source == "sum" else "letter",
                             "Patient summary" if source == "sum" else "Letter")],
        "docStatus": "amended" if row.get("status") == "edited" else "final",
        "description": label + (f" to {row['recipient']}" if row.get("recipient") else ""),
        "context": {"related": [reference("Appointment", row["appointment_id"]),
                                reference("Composition", row["note_id"])]},
        "content": [{"attachment": {
            "contentType": "text/plain; charset=utf-8", "language": "en",
            "data": base64.b64encode(text).decode(), "size": len(text),
            "hash": sha1_base64(hashlib.sha1(text, usedforsecurity=False).hexdigest()), "title": label}}],
    })


def transcript_text(document: dict[str, Any]) -> str:
    """One line per turn: '[mm:ss] Speaker (role): words'."""
    lines = []
    for segment in document.get("segments") or []:
        start = float(segment.get("start") or 0)
        who = segment.get("speaker") or "Speaker"
        role = f" ({segment['role']})" if segment.get("role") else ""
        lines.append(f"[{int(start // 60):02d}:{int(start % 60):02d}] {who}{role}: {segment.get('text', '').strip()}")
    return "\n".join(lines) or (document.get("text") or "")


def transcript_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), default=str).encode("utf-8")


def _attachment(row: dict[str, Any], url: str, title: str | None) -> dict[str, Any]:
    return drop_empty({"contentType": row["content_type"], "url": url, "size": int(row["size_bytes"]),
                       "hash": sha1_base64(row.get("sha1")), "title": title,
                       "creation": instant(row["created_at"])})


def _replaces(current: Currency) -> list[dict[str, Any]]:
    return [{"code": "replaces", "target": reference("DocumentReference", older)} for older in current.replaces]


def _document(row: dict[str, Any], resource_id: str, current: Currency,
              specific: dict[str, Any]) -> dict[str, Any]:
    context = {"related": [reference("Appointment", row["appointment_id"])]} if row.get("appointment_id") else None
    return narrated(drop_empty({
        "resourceType": "DocumentReference", "id": resource_id, "meta": meta(row),
        "status": current.status, "docStatus": "final",
        "subject": reference("Patient", row["patient_id"]),
        "date": instant(row["created_at"]),
        "author": [reference("Practitioner", row["uploaded_by"])] if row.get("uploaded_by") else [],
        "context": context, **specific,
    }))
