"""The CapabilityStatement: exactly the interactions the facade answers."""

from __future__ import annotations

from typing import Any

from medisync.interface.fhir.codes import FHIR_VERSION
from medisync.interface.fhir.narrative import narrated

EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything"
READ_ONLY = ("Appointment", "Composition", "Observation", "Condition", "MedicationStatement",
             "AllergyIntolerance", "ServiceRequest", "Practitioner", "Binary")


def _resource(resource_type: str, interactions: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    return {"type": resource_type, "interaction": [{"code": code} for code in interactions],
            "versioning": "no-version", "readHistory": False, "updateCreate": False, **extra}


def capability_statement(base_url: str, software_version: str, published: str) -> dict[str, Any]:
    resources = [
        _resource("Patient", ("read", "create", "search-type"), searchParam=[
            {"name": "identifier", "type": "token", "documentation": "[system|]MRN, exact"},
            {"name": "name", "type": "string", "documentation": "any part of the name"}],
            operation=[{"name": "everything", "definition": EVERYTHING}]),
        _resource("DocumentReference", ("read", "search-type"), searchParam=[
            {"name": "patient", "type": "reference", "documentation": "The patient's id (required)"}]),
        *(_resource(name, ("read",)) for name in READ_ONLY),
    ]
    return narrated({
        "resourceType": "CapabilityStatement", "status": "active", "date": published,
        "publisher": "MediSync", "kind": "instance",
        "software": {"name": "MediSync", "version": software_version},
        "implementation": {"description": "MediSync FHIR R4 facade (read-only, plus Patient import)",
                           "url": base_url},
        "fhirVersion": FHIR_VERSION, "format": ["json"],
        "rest": [{
            "mode": "server",
            "documentation": "Bearer JWT from POST /api/v1/auth/login; the same tenancy, roles and "
                             "PHI access log as the rest of the API. Binary read returns the raw bytes.",
            "security": {"cors": False, "description": "OAuth2-style bearer token (JWT, EdDSA)"},
            "resource": resources,
        }],
    })
