"""Validate resources with the FHIR R4B models of ``fhir.resources``."""

from __future__ import annotations

from importlib import import_module
from typing import Any


def validate(resource: dict[str, Any]) -> Any:
    """Parse ``resource`` with its R4B model (raises on anything invalid); Bundles recurse."""
    resource_type = resource["resourceType"]
    model = getattr(import_module(f"fhir.resources.R4B.{resource_type.lower()}"), resource_type)
    parsed = model.model_validate(resource)
    for entry in resource.get("entry", []):
        validate(entry["resource"])
    return parsed
