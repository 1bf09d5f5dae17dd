"""OperationOutcome: how every FHIR route reports a failure."""

from __future__ import annotations

from typing import Any

from medisync.interface.fhir.narrative import narrated

# HTTP status -> FHIR issue type (http://hl7.org/fhir/issue-type)
ISSUE_TYPE = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found",
              405: "not-supported", 406: "not-supported", 409: "duplicate",
              412: "conflict", 413: "too-costly", 415: "not-supported", 422: "processing",
              429: "throttled", 503: "transient", 507: "exception"}


def operation_outcome(status: int, code: str, message: str,
                      fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """One issue for the failure, plus one per invalid element (``fields``)."""
    severity = "information" if status < 400 else "error"
    issue_type = ISSUE_TYPE.get(status, "exception" if status >= 500 else "processing")
    issues = [{"severity": severity, "code": issue_type, "details": {"text": code},
               "diagnostics": message}]
    for element, problems in (fields or {}).items():
        issues.append({"severity": severity, "code": "invalid" if status == 400 else issue_type,
                       "diagnostics": "; ".join(_flatten(problems)), "expression": [element]})
    return narrated({"resourceType": "OperationOutcome", "issue": issues})


def _flatten(problems: Any) -> list[str]:
    if isinstance(problems, str):
        return [problems]
    if isinstance(problems, dict):
        return [f"{key}: {text}" for key, value in problems.items() for text in _flatten(value)]
    return [text for value in problems or [] for text in _flatten(value)]
