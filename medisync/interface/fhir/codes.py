"""Code systems and the codes MediSync uses from them."""

from __future__ import annotations

from typing import Any

FHIR_VERSION = "4.0.1"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
V2_APPOINTMENT_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0276"
V3_OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
US_CORE_DOCUMENT_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category"
# Our own code system, for concepts no standard one names (a visit's raw audio).
MEDISYNC_DOCUMENT_KIND = "urn:medisync:fhir:CodeSystem:document-kind"

PROGRESS_NOTE = ("11506-3", "Progress note")
SOAP_SECTIONS = {  # LOINC section codes for the four SOAP parts
    "subjective": ("61150-9", "Subjective Narrative"),
    "objective": ("61149-1", "Objective Narrative"),
    "assessment": ("51848-0", "Evaluation note"),
    "plan": ("18776-5", "Plan of care note"),
}
# Uploaded documents' kinds -> LOINC document types.
DOCUMENT_TYPES = {
    "lab_result": ("11502-2", "Laboratory report"),
    "referral": ("57133-1", "Referral note"),
    "imaging": ("18748-4", "Diagnostic imaging study"),
    "consent": ("59284-0", "Consent Document"),
    "other": ("34109-9", "Note"),
}
TRANSCRIPT_TYPE = ("34109-9", "Note")
# LOINC document types a note template may name (its Composition's type), with their displays;
# a practice template's other LOINC code is exported with the template's name as text only.
NOTE_TYPES = {
    "11506-3": "Progress note",
    "34117-2": "History and physical note",
    "11488-4": "Consult note",
    "34133-9": "Summary of episode note",
    "57133-1": "Referral note",
    "18842-5": "Discharge summary",
    "28570-0": "Procedure note",
}
# Documents drawn from a note (D48) -> LOINC document types.
NOTE_DOCUMENT_TYPES = {
    "patient_summary": ("69730-0", "Instructions"),
    "referral": ("57133-1", "Referral note"),
    "work_note": ("34109-9", "Note"),
    "to_gp": ("34133-9", "Summary of episode note"),
}
ORDER_CATEGORIES = {  # our order kinds -> SNOMED CT
    "lab": ("108252007", "Laboratory procedure"),
    "imaging": ("363679005", "Imaging"),
    "referral": ("3457005", "Patient referral"),
    "procedure": ("71388002", "Procedure"),
}
APPOINTMENT_TYPES = {  # our types -> HL7 v2 table 0276, where one fits
    "follow_up": ("FOLLOWUP", "A follow up visit from a previous appointment"),
    "annual_physical": ("CHECKUP", "A routine check-up, such as an annual physical"),
    "urgent": ("EMERGENCY", "Emergency appointment"),
    "new_patient": ("ROUTINE", "Routine appointment - default if not valued"),
    "consultation": ("ROUTINE", "Routine appointment - default if not valued"),
    "telehealth": ("ROUTINE", "Routine appointment - default if not valued"),
}
AI_ASSERTED = {"system": V3_OBSERVATION_VALUE, "code": "AIAST",
               "display": "Artificial Intelligence asserted"}


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(system: str, code: str, display: str | None = None,
            text: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"coding": [coding(system, code, display)]}
    if text:
        found["text"] = text
    return found


def loinc(code_display: tuple[str, str], text: str | None = None) -> dict[str, Any]:
    return concept(LOINC, *code_display, text=text)
