"""Generated narratives (``Resource.text``): what a person reads where a system shows the resource.

Every DomainResource we export carries one (FHIR's dom-6). Each is built from the resource's
own elements only, so its status is ``generated``: one line per element worth reading, in the
order ``SHOWN`` gives, escaped XHTML. A Composition's sections carry their own text (the note's
prose); its narrative is the document's header.
"""

from __future__ import annotations

import html
import re
from typing import Any, Callable

from medisync.interface.fhir.elements import XHTML

SHOWN = {  # resource type -> the elements its narrative shows
    "Patient": ("name", "identifier", "gender", "birthDate", "telecom", "active"),
    "Practitioner": ("name", "active"),
    "Appointment": ("status", "appointmentType", "reasonCode", "start", "end", "participant",
                    "cancelationReason"),
    "Composition": ("title", "status", "date", "author", "attester"),
    "Observation": ("code", "status", "valueQuantity", "component", "effectiveDateTime", "performer"),
    "Condition": ("code", "clinicalStatus", "verificationStatus", "recordedDate"),
    "MedicationStatement": ("medicationCodeableConcept", "status", "dosage", "effectiveDateTime"),
    "AllergyIntolerance": ("code", "clinicalStatus", "verificationStatus", "reaction"),
    "ServiceRequest": ("code", "status", "intent", "category", "authoredOn"),
    "DocumentReference": ("type", "description", "status", "docStatus", "date", "author"),
    "CapabilityStatement": ("software", "fhirVersion", "format", "rest"),
    "OperationOutcome": ("issue",),
}
LABELS = {"valueQuantity": "Value", "medicationCodeableConcept": "Medication", "effectiveDateTime": "Effective",
          "appointmentType": "Type", "reasonCode": "Reason", "docStatus": "Document status",
          "authoredOn": "Ordered", "rest": "Resources", "fhirVersion": "FHIR version", "attester": "Signed by",
          "birthDate": "Born", "recordedDate": "Recorded", "telecom": "Contact"}
SKIPPED = {"system", "url", "data", "hash", "extension", "use", "type"}  # never worth a reader's line


def narrated(resource: dict[str, Any]) -> dict[str, Any]:
    """``resource`` with its generated ``text``, placed after ``meta`` as FHIR lists it."""
    head = {key: resource[key] for key in ("resourceType", "id", "meta") if key in resource}
    rest = {key: value for key, value in resource.items() if key not in head and key != "text"}
    return {**head, "text": generated(resource), **rest}


def generated(resource: dict[str, Any]) -> dict[str, str]:
    lines = [(_label(name), _text(resource.get(name))) for name in SHOWN.get(resource["resourceType"], ())]
    body = "".join(f"<p><b>{html.escape(label)}</b>: {html.escape(text)}</p>" for label, text in lines if text)
    body = body or f"<p>{resource['resourceType']}</p>"
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def _label(element: str) -> str:
    return LABELS.get(element) or re.sub(r"(?<!^)([A-Z])", r" \1", element).capitalize()


def _text(value: Any) -> str:
    """A value as a reader would say it: a concept's text or display, a quantity with its unit..."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, list):
        return "; ".join(text for text in (_text(item) for item in value) if text)
    for keys, render in SHAPES:
        if keys <= value.keys():
            return render(value)
    return "; ".join(text for key, item in value.items() if key not in SKIPPED and (text := _text(item)))


SHAPES: tuple[tuple[frozenset[str], Callable[[dict[str, Any]], str]], ...] = tuple(
    (frozenset(keys), render) for keys, render in (
        (("div",), lambda v: ""),  # a section's own narrative is not repeated
        (("text",), lambda v: _text(v["text"])),  # CodeableConcept, Dosage
        (("display",), lambda v: v["display"]),  # Coding, Reference
        (("coding",), lambda v: _text(v["coding"])),
        (("reference",), lambda v: v["reference"]),
        (("value", "unit"), lambda v: f"{v['value']} {v['unit']}"),  # Quantity
        (("family",), lambda v: " ".join([*v.get("given", []), v["family"]])),  # HumanName
        (("code", "valueQuantity"), lambda v: f"{_text(v['code'])} {_text(v['valueQuantity'])}"),  # component
        (("actor",), lambda v: _text(v["actor"])),  # Appointment.participant
        (("party",), lambda v: f"{_text(v['party'])} ({v.get('mode')}, {v.get('time')})"),  # attester
        (("manifestation",), lambda v: _text(v["manifestation"])),  # AllergyIntolerance.reaction
        (("severity", "diagnostics"), lambda v: f"{v['severity']}: {v['diagnostics']}"
         + (f" ({_text(v['expression'])})" if v.get("expression") else "")),  # OperationOutcome.issue
        (("name", "version"), lambda v: f"{v['name']} {v['version']}"),  # software
        (("resource",), lambda v: ", ".join(r["type"] for r in v["resource"])),  # CapabilityStatement.rest
        (("value",), lambda v: _text(v["value"])),  # Identifier, ContactPoint
        (("code",), lambda v: v["code"]),  # a Coding without a display
    ))
