"""Validate resources with the FHIR R4B models of ``fhir.resources``; ``INSIGHTS``, the facts
of a note version that the FHIR mapper tests (unit and e2e) export."""

from __future__ import annotations

from importlib import import_module
from typing import Any

INSIGHTS = {
    "vitals": {"bp_systolic": 148, "bp_diastolic": 94, "heart_rate": 80, "temperature_c": 37.2,
               "spo2": 97, "respiratory_rate": 16, "weight_kg": 96},
    "medications": [{"name": "lisinopril", "dose": "20 mg", "frequency": "once daily", "status": "changed"},
                    {"name": "aspirin", "dose": None, "frequency": None, "status": "stopped"}],
    "allergies": [{"substance": "penicillin", "reaction": "hives"}, {"substance": "latex", "reaction": None}],
    "diagnoses": [{"name": "essential hypertension", "icd10": "I10"}, {"name": "fatigue", "icd10": None}],
    "orders": [{"kind": "lab", "name": "basic metabolic panel"}, {"kind": "referral", "name": "cardiology"}],
}


def validate(resource: dict[str, Any]) -> Any:
    """Parse ``resource`` with its R4B model (raises on anything invalid); Bundles recurse."""
    resource_type = resource["resourceType"]
    model = getattr(import_module(f"fhir.resources.R4B.{resource_type.lower()}"), resource_type)
    parsed = model.model_validate(resource)
    for entry in resource.get("entry", []):
        validate(entry["resource"])
    return parsed
