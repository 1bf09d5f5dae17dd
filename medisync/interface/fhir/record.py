"""A patient's whole record (``$everything``) as one ordered list of resources."""

from __future__ import annotations

from typing import Any

from medisync.interface.fhir import document_reference as docs
from medisync.interface.fhir.appointment import to_appointment
from medisync.interface.fhir.composition import current_version, note_insights, to_composition
from medisync.interface.fhir.patient import to_patient


def document_references(record: dict[str, Any], binary_base: str) -> list[dict[str, Any]]:
    """Each visit's newest recording and transcript are current, earlier ones superseded (D42);
    so is its newest patient summary; every letter is its own document (D48)."""
    recordings = docs.currency(record["recordings"], "rec")
    transcripts = docs.currency(record["transcripts"], "tx")
    return ([docs.from_recording(r, binary_base, recordings[str(r["id"])]) for r in record["recordings"]]
            + [docs.from_transcript(t, binary_base, transcripts[str(t["id"])]) for t in record["transcripts"]]
            + [docs.from_document(d, binary_base) for d in record["documents"]]
            + note_document_references(record.get("note_documents") or []))


def note_document_references(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    summaries = docs.currency([r for r in rows if r["kind"] == "patient_summary"], "sum")
    return [docs.from_note_document(r, summaries.get(str(r["id"]), docs.Currency())) for r in rows]


def note_resources(note: dict[str, Any], versions: list[dict[str, Any]], appointment_start: Any,
                   template_types: dict[str, tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """The note's Composition first, then the insight resources it refers to.

    ``template_types``: template id -> (LOINC document type, name); the Composition carries
    its current version's template's type (Progress note when the version names none)."""
    current = current_version(note, versions)
    if current is None:
        return []
    found = note_insights(note, versions, appointment_start)
    template_type = (template_types or {}).get(str(current.get("template") or ""))
    return [to_composition(note, current, found, template_type), *found.resources]


def everything(record: dict[str, Any], mrn_system: str, binary_base: str,
               template_types: dict[str, tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    starts = {str(a["id"]): a["start_at"] for a in record["appointments"]}
    notes = [resource for note, versions in record["notes"]
             for resource in note_resources(note, versions, starts.get(str(note["appointment_id"])),
                                            template_types)]
    return [to_patient(record["patient"], mrn_system),
            *(to_appointment(a) for a in record["appointments"]),
            *document_references(record, binary_base), *notes]
