"""Practitioner: a doctor (or other clinician) of the practice, by name only."""

from __future__ import annotations

from typing import Any

from medisync.interface.fhir.elements import drop_empty, meta
from medisync.interface.fhir.narrative import narrated


def to_practitioner(row: dict[str, Any]) -> dict[str, Any]:
    family, _, given = _split(row["full_name"])
    return narrated(drop_empty({
        "resourceType": "Practitioner", "id": str(row["id"]), "meta": meta(row),
        "active": bool(row["active"]),
        "name": [drop_empty({"text": row["full_name"], "family": family,
                             "given": [given] if given else []})],
    }))


def _split(full_name: str) -> tuple[str, str, str]:
    """'Ann Lee' -> ('Lee', ' ', 'Ann'): the last word is taken as the family name."""
    given, space, family = full_name.strip().rpartition(" ")
    return (family, space, given) if given else (full_name.strip(), "", "")
