"""Patient: our demographics as a FHIR Patient, and a FHIR Patient as our registration."""

from __future__ import annotations

from typing import Any

from medisync.interface.fhir.codes import V2_IDENTIFIER_TYPE, concept
from medisync.interface.fhir.elements import drop_empty, meta
from medisync.interface.fhir.narrative import narrated

MRN_TYPE = concept(V2_IDENTIFIER_TYPE, "MR", "Medical record number")
# Our registration fields -> the FHIR elements they come from (for error messages).
ELEMENT_OF = {"mrn": "Patient.identifier", "first_name": "Patient.name.given",
              "last_name": "Patient.name.family", "date_of_birth": "Patient.birthDate",
              "sex": "Patient.gender", "phone": "Patient.telecom", "email": "Patient.telecom"}
NAME_USES = ("official", "usual", None)


def mrn_system(template: str, practice_id: object) -> str:
    return template.format(practice_id=practice_id)


def to_patient(row: dict[str, Any], system: str) -> dict[str, Any]:
    telecom = [{"system": kind, "value": row[kind], "use": "home"}
               for kind in ("phone", "email") if row.get(kind)]
    return narrated(drop_empty({
        "resourceType": "Patient", "id": str(row["id"]), "meta": meta(row),
        "identifier": [{"use": "usual", "type": MRN_TYPE, "system": system, "value": row["mrn"]}]
        if row.get("mrn") else [],
        "active": not row.get("archived", False),
        "name": [drop_empty({"use": "official", "family": row.get("last_name"),
                             "given": [row["first_name"]] if row.get("first_name") else []})],
        "telecom": telecom, "gender": row.get("sex"), "birthDate": row.get("date_of_birth"),
    }))


def from_patient(resource: dict[str, Any]) -> dict[str, Any]:
    """The registration body a (structurally valid) FHIR Patient describes.

    Absent elements are left out, so our own validation names what is missing."""
    name = _chosen_name(resource.get("name") or [])
    body = {"mrn": _mrn(resource.get("identifier") or []),
            "first_name": " ".join(name.get("given") or []) or None,
            "last_name": name.get("family"),
            "date_of_birth": resource.get("birthDate"), "sex": resource.get("gender"),
            "phone": _telecom(resource, "phone"), "email": _telecom(resource, "email")}
    return {key: value for key, value in body.items() if value is not None}


def _chosen_name(names: list[dict[str, Any]]) -> dict[str, Any]:
    for use in NAME_USES:
        for name in names:
            if name.get("use") == use and name.get("period", {}).get("end") is None:
                return name
    return names[0] if names else {}


def _mrn(identifiers: list[dict[str, Any]]) -> str | None:
    """The identifier typed MR (v2-0203), or else the only identifier there is."""
    for identifier in identifiers:
        codings = (identifier.get("type") or {}).get("coding") or []
        if any(c.get("system") == V2_IDENTIFIER_TYPE and c.get("code") == "MR" for c in codings):
            return identifier.get("value")
    return identifiers[0].get("value") if len(identifiers) == 1 else None


def _telecom(resource: dict[str, Any], kind: str) -> str | None:
    points = [t for t in resource.get("telecom") or [] if t.get("system") == kind and t.get("value")]
    points.sort(key=lambda t: (t.get("rank") or 1_000_000))
    return points[0]["value"] if points else None
