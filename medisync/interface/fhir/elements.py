"""Building blocks shared by the resource mappers: references, dates, meta, narrative."""

from __future__ import annotations

import html
from datetime import date, datetime, timezone
from typing import Any

XHTML = "http://www.w3.org/1999/xhtml"


def reference(resource_type: str, resource_id: Any, display: str | None = None) -> dict[str, Any]:
    found = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        found["display"] = display
    return found


def instant(value: Any) -> str | None:
    """A FHIR instant/dateTime: ISO 8601 with a time zone (naive values are UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not a date or time: {type(value).__name__}")


def meta(row: dict[str, Any], tags: list[dict[str, str]] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if row.get("version") is not None:
        found["versionId"] = str(row["version"])
    updated = row.get("updated_at") or row.get("created_at")
    if updated is not None:
        found["lastUpdated"] = instant(updated)
    if tags:
        found["tag"] = tags
    return found


def narrative(text: str) -> dict[str, str]:
    """Generated XHTML narrative: the text escaped, one paragraph per line."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines) or "<p>(empty)</p>"
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def drop_empty(resource: dict[str, Any]) -> dict[str, Any]:
    """FHIR forbids empty elements: no nulls, no empty strings, lists or objects."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}
