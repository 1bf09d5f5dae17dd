"""Structured insights of a note version as FHIR resources.

Vitals become Observations, diagnoses Conditions, medications
MedicationStatements, allergies AllergyIntolerances and orders
ServiceRequests. Those of an AI draft carry the AIAST tag; those a clinician
wrote or kept in their own version do not (D39). All are preliminary (or
provisional) until the version that carries them is signed. The visit's clinician is the
performer of the vitals (they were measured and said in that clinician's visit); every
resource carries a generated narrative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medisync.interface.fhir import ids
from medisync.interface.fhir.codes import (AI_ASSERTED, ALLERGY_CLINICAL, ALLERGY_VERIFICATION,
                                           CONDITION_CATEGORY, CONDITION_CLINICAL,
                                           CONDITION_VERIFICATION, ICD10CM, LOINC,
                                           OBSERVATION_CATEGORY, ORDER_CATEGORIES, SNOMED, UCUM,
                                           concept, coding)
from medisync.interface.fhir.elements import drop_empty, reference
from medisync.interface.fhir.narrative import narrated

# insight key -> (id key, LOINC code, display, UCUM unit)
VITALS = {
    "heart_rate": ("hr", "8867-4", "Heart rate", "/min"),
    "temperature_c": ("temp", "8310-5", "Body temperature", "Cel"),
    "spo2": ("spo2", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
    "respiratory_rate": ("rr", "9279-1", "Respiratory rate", "/min"),
    "weight_kg": ("wt", "29463-7", "Body weight", "kg"),
}
BLOOD_PRESSURE = ("85354-9", "Blood pressure panel with all children optional")
BP_PARTS = {"bp_systolic": ("8480-6", "Systolic blood pressure"),
            "bp_diastolic": ("8462-4", "Diastolic blood pressure")}
MEDICATION_STATUS = {"active": "active", "changed": "active", "new": "active", "stopped": "stopped"}
VITAL_SIGNS = concept(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")


@dataclass(frozen=True)
class NoteContext:
    """What every insight resource of one note version refers to."""

    note_id: str
    version: int
    patient_id: str
    signed: bool
    ai: bool
    effective: str | None
    recorded: str | None
    clinician_id: str | None = None  # the visit's doctor


@dataclass
class Insights:
    """The resources, grouped by the SOAP section that refers to them."""

    by_section: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def resources(self) -> list[dict[str, Any]]:
        return [r for section in self.by_section.values() for r in section]


def build(insights: dict[str, Any] | None, ctx: NoteContext) -> Insights:
    if not insights:
        return Insights()
    found = {
        "subjective": [_allergy(a, n, ctx) for n, a in enumerate(insights.get("allergies") or [], 1)],
        "objective": _vitals(insights.get("vitals") or {}, ctx),
        "assessment": [_condition(d, n, ctx) for n, d in enumerate(insights.get("diagnoses") or [], 1)],
        "plan": [_medication(m, n, ctx) for n, m in enumerate(insights.get("medications") or [], 1)]
        + [_order(o, n, ctx) for n, o in enumerate(insights.get("orders") or [], 1)],
    }
    return Insights({section: [narrated(r) for r in resources] for section, resources in found.items()})


def _base(resource_type: str, key: str, ctx: NoteContext) -> dict[str, Any]:
    return {"resourceType": resource_type, "id": ids.insight(ctx.note_id, ctx.version, key),
            **({"meta": {"tag": [AI_ASSERTED]}} if ctx.ai else {})}


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _observation(key: str, code: tuple[str, str], ctx: NoteContext, **values: Any) -> dict[str, Any]:
    return drop_empty({
        **_base("Observation", key, ctx), "status": "final" if ctx.signed else "preliminary",
        "category": [VITAL_SIGNS], "code": concept(LOINC, *code, text=code[1]),
        "subject": reference("Patient", ctx.patient_id), "effectiveDateTime": ctx.effective,
        "issued": ctx.recorded,
        "performer": [reference("Practitioner", ctx.clinician_id)] if ctx.clinician_id else [], **values})


def _vitals(vitals: dict[str, Any], ctx: NoteContext) -> list[dict[str, Any]]:
    found = []
    parts = [{"code": concept(LOINC, *BP_PARTS[k]), "valueQuantity": _quantity(vitals[k], "mm[Hg]")}
             for k in BP_PARTS if vitals.get(k) is not None]
    if parts:
        found.append(_observation("bp", BLOOD_PRESSURE, ctx, component=parts))
    for name, (key, code, display, unit) in VITALS.items():
        if vitals.get(name) is not None:
            found.append(_observation(key, (code, display), ctx,
                                      valueQuantity=_quantity(vitals[name], unit)))
    return found


def _condition(diagnosis: dict[str, Any], n: int, ctx: NoteContext) -> dict[str, Any]:
    code = (concept(ICD10CM, diagnosis["icd10"], text=diagnosis["name"]) if diagnosis.get("icd10")
            else {"text": diagnosis["name"]})
    return drop_empty({
        **_base("Condition", f"dx{n}", ctx),
        "clinicalStatus": concept(CONDITION_CLINICAL, "active"),
        "verificationStatus": concept(CONDITION_VERIFICATION, "confirmed" if ctx.signed else "provisional"),
        "category": [concept(CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")],
        "code": code, "subject": reference("Patient", ctx.patient_id), "recordedDate": ctx.recorded})


def _medication(medication: dict[str, Any], n: int, ctx: NoteContext) -> dict[str, Any]:
    dosage = " ".join(part for part in (medication.get("dose"), medication.get("frequency")) if part)
    return drop_empty({
        **_base("MedicationStatement", f"med{n}", ctx),
        "status": MEDICATION_STATUS.get(medication.get("status") or "", "unknown"),
        "medicationCodeableConcept": {"text": medication["name"]},
        "subject": reference("Patient", ctx.patient_id), "effectiveDateTime": ctx.effective,
        "dateAsserted": ctx.recorded, "dosage": [{"text": dosage}] if dosage else []})


def _allergy(allergy: dict[str, Any], n: int, ctx: NoteContext) -> dict[str, Any]:
    reaction = [{"manifestation": [{"text": allergy["reaction"]}]}] if allergy.get("reaction") else []
    return drop_empty({
        **_base("AllergyIntolerance", f"alg{n}", ctx),
        "clinicalStatus": concept(ALLERGY_CLINICAL, "active"),
        "verificationStatus": concept(ALLERGY_VERIFICATION, "confirmed" if ctx.signed else "unconfirmed"),
        "code": {"text": allergy["substance"]}, "patient": reference("Patient", ctx.patient_id),
        "recordedDate": ctx.recorded, "reaction": reaction})


def _order(order: dict[str, Any], n: int, ctx: NoteContext) -> dict[str, Any]:
    category = ORDER_CATEGORIES.get(order.get("kind") or "")
    return drop_empty({
        **_base("ServiceRequest", f"ord{n}", ctx),
        "status": "active" if ctx.signed else "draft", "intent": "order",
        "category": [{"coding": [coding(SNOMED, *category)]}] if category else [],
        "code": {"text": order["name"]}, "subject": reference("Patient", ctx.patient_id),
        "authoredOn": ctx.recorded})
