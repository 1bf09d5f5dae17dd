"""The OpenAPI document made complete and true from the code itself (issue 18 s3, D44).

aiohttp-apigami documents what its decorators say. What they cannot say is taken from the
routes, once the document is built:

- **security**: an operation whose handler is ``@public`` (or a path the authentication
  middleware lets through) has ``security: []``; every other one needs the bearer token;
- **uploads**: a handler marked ``@upload_body`` gets its ``multipart/form-data`` request body, so
  Swagger UI offers a file picker and the fuzzer sends files;
- **required bodies**: a JSON body whose schema has required fields is marked required (a
  request without one is refused, so it is not schema-valid);
- **FHIR**: the facade's operations (``application/fhir+json``; errors are OperationOutcomes).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from aiohttp import web

from medisync.interface.fhir.bundle import MAX_COUNT
from medisync.interface.http.fhir_io import FHIR_JSON, FHIR_PREFIX

Handler = Callable[..., Any]
UPLOAD_BODY = "openapi_upload_body"
FHIR_RESOURCE = {"type": "object", "required": ["resourceType"],
                 "properties": {"resourceType": {"type": "string"}}}
FHIR_ERROR = {"description": "Error (an OperationOutcome)", "content": {FHIR_JSON: {"schema": FHIR_RESOURCE}}}
FHIR_SUMMARIES = {
    "metadata": "The CapabilityStatement: what this FHIR R4 server serves (no token needed)",
    "search_patients": "Search Patients by identifier ([system|]MRN) and/or name (a searchset Bundle)",
    "read_patient": "Read a Patient",
    "create_patient": "Register a Patient from a FHIR Patient resource",
    "patient_everything": "The patient's whole record ($everything): a searchset Bundle",
    "read_practitioner": "Read a Practitioner (a user of the practice)",
    "read_appointment": "Read an Appointment",
    "search_document_references": "A patient's DocumentReferences: visit audio, transcripts, documents",
    "read_document_reference": "Read a DocumentReference (rec-, tx- or doc- id)",
    "read_binary": "The file itself (audio, document, or a transcript's JSON), not a Binary resource",
    "read_composition": "Read a Composition: a clinical note's current version",
    "read_insight": "Read a resource the current Composition refers to",
}
FHIR_QUERY = {
    "search_patients": [("identifier", "[system|]MRN, exact"), ("name", "any part of the name"),
                        ("page", "page number, from 1"), ("_count", "entries per page, 1 to 100")],
    "patient_everything": [("page", "page number, from 1"), ("_count", "entries per page, 1 to 100")],
    "search_document_references": [("patient", "the Patient id (required)"), ("page", "page number, from 1"),
                                   ("_count", "entries per page, 1 to 100")],
}
PAGING = {"page": {"type": "integer", "minimum": 1, "maximum": 100_000},  # MAX_PAGE of routes/fhir.py
          "_count": {"type": "integer", "minimum": 1, "maximum": MAX_COUNT}}
# What POST /fhir/Patient reads of a Patient (docs/fhir.md); fhir.resources and our registration
# rules check the rest.
FHIR_PATIENT = {
    "type": "object", "required": ["resourceType", "identifier", "name", "birthDate", "gender"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["Patient"]},
        "identifier": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["value"], "properties": {"system": {"type": "string"},
                                                                    "value": {"type": "string"}}}},
        "name": {"type": "array", "minItems": 1, "items": {"type": "object", "properties": {
            "use": {"type": "string"}, "family": {"type": "string"},
            "given": {"type": "array", "items": {"type": "string"}}}}},
        "birthDate": {"type": "string", "format": "date"},
        "gender": {"type": "string", "enum": ["male", "female", "other", "unknown"]},
        "telecom": {"type": "array", "items": {"type": "object", "properties": {
            "system": {"type": "string"}, "value": {"type": "string"}}}}}}
# A register body names exactly one way in (the schema's own check, stated for clients).
ONE_WAY_IN = [{"required": ["practice_name"]}, {"required": ["invitation_token"]}]


def upload_body(description: str, required: Iterable[str] = ("file",),
                **fields: dict[str, Any]) -> Callable[[Handler], Handler]:
    """Document a multipart upload: the file in the field ``file``, and the other form fields."""
    properties = {"file": {"type": "string", "format": "binary", "description": description}, **fields}
    body = {"required": True, "description": f"multipart/form-data; {description}", "content": {
        "multipart/form-data": {"schema": {"type": "object", "required": list(required),
                                           "properties": properties, "additionalProperties": False}}}}

    def mark(handler: Handler) -> Handler:
        setattr(handler, UPLOAD_BODY, body)
        return handler
    return mark


def complete_from_routes(spec: dict[str, Any], app: web.Application,
                         is_public: Callable[[Handler, str], bool]) -> None:
    """Fill in security, uploads, required bodies and the FHIR operations (see the module doc)."""
    paths = spec.setdefault("paths", {})
    register = spec.get("components", {}).get("schemas", {}).get("Register")
    if register is not None:
        register["oneOf"] = ONE_WAY_IN
        for way in ("practice_name", "invitation_token"):
            register["properties"][way]["minLength"] = 1
    for method, path, handler in api_routes(app):
        if path.startswith(FHIR_PREFIX):
            for concrete in _concrete_paths(path):
                paths.setdefault(concrete, {})[method] = _fhir_operation(method, concrete, handler)
        operation = paths.get(path, {}).get(method)
        if operation is None:
            continue
        if is_public(handler, path):
            operation["security"] = []
        if hasattr(handler, UPLOAD_BODY):
            operation["requestBody"] = getattr(handler, UPLOAD_BODY)
        _require_needed_body(spec, operation)


def api_routes(app: web.Application) -> Iterator[tuple[str, str, Handler]]:
    """(method, path template, handler) of every /api/v1 route but HEAD (aiohttp adds one per GET)."""
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter")
        if path and path.startswith("/api/v1") and route.method not in ("HEAD", "*"):
            yield route.method.lower(), path, route.handler


def _concrete_paths(path: str) -> list[str]:
    """The insight route's ``{type}`` is one of a fixed set: one path each."""
    if "{type}" not in path:
        return [path]
    from medisync.interface.http.routes.fhir import INSIGHT_TYPES

    return [path.replace("{type}", kind) for kind in INSIGHT_TYPES.split("|")]


def _fhir_operation(method: str, path: str, handler: Handler) -> dict[str, Any]:
    name = handler.__name__
    parameters = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}] \
        if "{id}" in path else []
    parameters += [{"name": key, "in": "query", "required": key == "patient", "description": text,
                    "schema": PAGING.get(key) or {"type": "string", "minLength": 1 if key == "patient" else 0}}
                   for key, text in FHIR_QUERY.get(name, [])]
    if name == "read_binary":
        ok = {"description": "The file", "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}
    else:
        ok = {"description": "A FHIR resource", "content": {FHIR_JSON: {"schema": FHIR_RESOURCE}}}
    operation: dict[str, Any] = {
        "tags": ["fhir"], "summary": FHIR_SUMMARIES.get(name, name.replace("_", " ")),
        "parameters": parameters,
        "responses": {"201" if method == "post" else "200": ok, "default": FHIR_ERROR}}
    if method == "post":
        operation["requestBody"] = {"required": True, "content": {
            FHIR_JSON: {"schema": FHIR_PATIENT}, "application/json": {"schema": FHIR_PATIENT}}}
    if getattr(handler, "is_public", False):
        operation["security"] = []
    return operation


def _require_needed_body(spec: dict[str, Any], operation: dict[str, Any]) -> None:
    body = operation.get("requestBody")
    if not body or body.get("required"):
        return
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = spec.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    body["required"] = bool(schema.get("required"))
