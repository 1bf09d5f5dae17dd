"""Composition: a clinical note's current version as a FHIR progress note.

The structured insights come from the current version if it carries them,
else from the newest AI draft before it: a clinician's edit changes the
narrative, and the facts extracted from the visit stay referenced (still
unconfirmed) until a newer draft replaces them.
"""

from __future__ import annotations

from typing import Any

from medisync.interface.fhir import insights as insight_resources
from medisync.interface.fhir.codes import AI_ASSERTED, PROGRESS_NOTE, SOAP_SECTIONS, loinc
from medisync.interface.fhir.elements import drop_empty, instant, meta, narrative, reference


def current_version(note: dict[str, Any], versions: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((v for v in versions if v["version"] == note.get("current_version")), None)


def insight_version(current: dict[str, Any], versions: list[dict[str, Any]]) -> dict[str, Any] | None:
    if current.get("insights"):
        return current
    earlier = [v for v in versions if v["version"] < current["version"] and v.get("insights")]
    return earlier[-1] if earlier else None


def note_insights(note: dict[str, Any], versions: list[dict[str, Any]],
                  effective: Any) -> insight_resources.Insights:
    current = current_version(note, versions)
    source = insight_version(current, versions) if current else None
    if source is None:
        return insight_resources.Insights()
    # A signature confirms the facts only when the signed version is the one that carries them:
    # a clinician who rewrote the note signed their own text, not an earlier draft's facts.
    ctx = insight_resources.NoteContext(
        note_id=str(note["id"]), version=source["version"], patient_id=str(note["patient_id"]),
        signed=bool(current.get("signed_by")) and source is current, effective=instant(effective),
        recorded=instant(source["created_at"]))
    return insight_resources.build(source["insights"], ctx)


def to_composition(note: dict[str, Any], current: dict[str, Any],
                   found: insight_resources.Insights) -> dict[str, Any]:
    ai = current["source"] == "ai"
    return drop_empty({
        "resourceType": "Composition", "id": str(note["id"]),
        "meta": meta(note, [AI_ASSERTED] if ai else None),
        "status": current["status"], "type": loinc(PROGRESS_NOTE, text="Progress note"),
        "subject": reference("Patient", note["patient_id"]),
        "date": instant(current["created_at"]),
        "author": [_author(current)], "title": "Progress note",
        "attester": [{"mode": "legal", "time": instant(current["signed_at"]),
                      "party": reference("Practitioner", current["signed_by"])}]
        if current.get("signed_by") else [],
        "section": _sections(current, found),
    })


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
