"""FHIR on the wire: application/fhir+json bodies in and out, OperationOutcome errors.

Failures on FHIR routes go through the same error mapping as the rest of the
API (one place decides the status), then are re-dressed as OperationOutcome.
Incoming resources are checked against the FHIR R4B models of
``fhir.resources`` before our own validation sees them.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic
from aiohttp import web

from medisync.interface.fhir.outcome import operation_outcome
from medisync.interface.http.envelope import dumps
from medisync.interface.http.errors import ApiError

FHIR_PREFIX = "/api/v1/fhir"
FHIR_JSON = "application/fhir+json"
ACCEPTED_BODIES = (FHIR_JSON, "application/json")
JSON_FORMATS = frozenset({"json", FHIR_JSON, "application/json"})
JSON_ACCEPTS = ("*/*", "application/*", FHIR_JSON, "application/json")


class InvalidResource(ApiError):
    """A resource that is not valid FHIR, or that we cannot register (400, per element)."""

    def __init__(self, message: str, fields: dict[str, list[str]]) -> None:
        super().__init__(400, message, code="invalid_resource", details={"fields": fields})


class InvalidParameter(ApiError):
    """A search or paging parameter we cannot honour (400)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(400, message, code="invalid_parameter", details={"fields": {parameter: [message]}})


def is_fhir(request: web.Request) -> bool:
    return request.path == FHIR_PREFIX or request.path.startswith(FHIR_PREFIX + "/")


@web.middleware
async def fhir_format_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """JSON is the only format we write: ask for another (``_format``, ``Accept``) and get 406."""
    if is_fhir(request) and not request.path.startswith(FHIR_PREFIX + "/Binary/"):
        wanted = request.query.get("_format")
        accept = request.headers.get("Accept", "")
        if (wanted is not None and wanted not in JSON_FORMATS) or (accept and not any(
                kind in accept for kind in JSON_ACCEPTS)):
            raise ApiError(406, "only JSON is served: application/fhir+json (_format=json)")
    return await handler(request)


def fhir_json(resource: dict[str, Any], status: int = 200,
              headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=dumps(resource), status=status, headers=headers,
                        content_type=FHIR_JSON, charset="utf-8")


def as_operation_outcome(response: web.Response) -> web.Response:
    """Our error envelope (or a 202 'accepted' envelope) as an OperationOutcome."""
    body = json.loads(response.body) if response.body else {}
    error = body.get("error") or {"code": "accepted", "message": "recorded; not yet visible to reads"}
    outcome = operation_outcome(response.status, error["code"], error["message"],
                                (error.get("details") or {}).get("fields"))
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
    return fhir_json(outcome, response.status, headers)


async def read_resource(request: web.Request, resource_type: str, max_bytes: int) -> dict[str, Any]:
    if request.content_type not in ACCEPTED_BODIES:
        raise ApiError(415, f"send {FHIR_JSON}")
    if request.content_length and request.content_length > max_bytes:
        raise ApiError(413, f"body larger than {max_bytes} bytes")
    raw = await request.read()
    if len(raw) > max_bytes:
        raise ApiError(413, f"body larger than {max_bytes} bytes")
    try:
        resource = json.loads(raw or b"null")
    except ValueError:
        raise InvalidResource("the body is not valid JSON", {}) from None
    if not isinstance(resource, dict) or resource.get("resourceType") != resource_type:
        raise InvalidResource(f"the body must be a {resource_type} resource",
                              {"resourceType": [f"Must be '{resource_type}'."]})
    return resource


def validate_structure(resource: dict[str, Any], model: type[pydantic.BaseModel]) -> None:
    """Refuse what the FHIR R4B model refuses, naming each element (FHIRPath-like)."""
    try:
        model.model_validate(resource)
    except pydantic.ValidationError as invalid:
        fields: dict[str, list[str]] = {}
        for problem in invalid.errors(include_input=False, include_url=False):
            fields.setdefault(_expression(resource["resourceType"], problem["loc"]), []).append(problem["msg"])
        raise InvalidResource(f"the {resource['resourceType']} resource is not valid FHIR R4", fields) from None


def _expression(resource_type: str, location: tuple[Any, ...]) -> str:
    path = resource_type
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
