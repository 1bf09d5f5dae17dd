"""Composition: a clinical note's current version as a FHIR progress note.

The structured insights are the current version's own, and nothing else: a
clinician's version carries the facts the clinician wrote or kept (D39), so
facts an earlier AI draft asserted and the clinician corrected or removed are
never exported again.
"""

from __future__ import annotations

from typing import Any

from medisync.interface.fhir import insights as insight_resources
from medisync.interface.fhir.codes import (AI_ASSERTED, LOINC, NOTE_TYPES, PROGRESS_NOTE, SOAP_SECTIONS,
                                           coding, loinc)
from medisync.interface.fhir.elements import drop_empty, instant, meta, narrative, reference
from medisync.interface.fhir.narrative import narrated


def current_version(note: dict[str, Any], versions: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((v for v in versions if v["version"] == note.get("current_version")), None)


def note_insights(note: dict[str, Any], versions: list[dict[str, Any]],
                  effective: Any) -> insight_resources.Insights:
    """The current version's facts; confirmed once that version is signed."""
    current = current_version(note, versions)
    if current is None or not current.get("insights"):
        return insight_resources.Insights()
    ctx = insight_resources.NoteContext(
        note_id=str(note["id"]), version=current["version"], patient_id=str(note["patient_id"]),
        signed=bool(current.get("signed_by")), ai=current["source"] == "ai",
        effective=instant(effective), recorded=instant(current["created_at"]),
        clinician_id=str(note["doctor_id"]) if note.get("doctor_id") else None)
    return insight_resources.build(current["insights"], ctx)


def document_type(template_type: tuple[str, str] | None) -> tuple[dict[str, Any], str]:
    """(type, title): the LOINC document type of the version's template (D46); Progress note without one."""
    if template_type is None:
        return loinc(PROGRESS_NOTE, text="Progress note"), "Progress note"
    code, name = template_type
    return {"coding": [coding(LOINC, code, NOTE_TYPES.get(code))], "text": name}, name


def to_composition(note: dict[str, Any], current: dict[str, Any],
                   found: insight_resources.Insights,
                   template_type: tuple[str, str] | None = None) -> dict[str, Any]:
    """``template_type``: (LOINC code, template name) of the template the version was written in."""
    ai = current["source"] == "ai"
    type_, title = document_type(template_type)
    return narrated(drop_empty({
        "resourceType": "Composition", "id": str(note["id"]),
        "meta": meta(note, [AI_ASSERTED] if ai else None),
        "status": current["status"], "type": type_,
        "subject": reference("Patient", note["patient_id"]),
        "date": instant(current["created_at"]),
        "author": [_author(current)], "title": title,
        "attester": [{"mode": "legal", "time": instant(current["signed_at"]),
                      "party": reference("Practitioner", current["signed_by"])}]
        if current.get("signed_by") else [],
        "section": _sections(current, found),
    }))


def _author(version: dict[str, Any]) -> dict[str, Any]:
    if version["source"] == "ai":
        provenance = version.get("provenance") or {}
        label = " ".join(str(provenance.get(k)) for k in ("generator", "generator_version") if provenance.get(k))
        return {"display": f"MediSync AI note generator ({label or 'unknown'})"}
    return reference("Practitioner", version["author_id"])


def _sections(version: dict[str, Any], found: insight_resources.Insights) -> list[dict[str, Any]]:
    sections = []
    for name, code in SOAP_SECTIONS.items():
        entries = [reference(r["resourceType"], r["id"]) for r in found.by_section.get(name, [])]
        sections.append(drop_empty({"title": name.capitalize(), "code": loinc(code),
                                    "text": narrative(version.get(name) or ""), "entry": entries}))
    if (version.get("free_text") or "").strip():
        sections.append({"title": "Additional notes", "text": narrative(version["free_text"])})
    return sections
