"""The OpenAPI document made complete and true from the code itself (issue 18 s3, D44).

aiohttp-apigami documents what its decorators say. What they cannot say is taken from the
routes, once the document is built:

- **security**: an operation whose handler is ``@public`` (or a path the authentication
  middleware lets through) has ``security: []``; every other one needs the bearer token;
- **uploads**: a handler marked ``@upload_body`` gets its ``multipart/form-data`` request body, so
  Swagger UI offers a file picker and the fuzzer sends files;
- **required bodies**: a JSON body whose schema has required fields is marked required (a
  request without one is refused, so it is not schema-valid);
- **FHIR**: the facade's operations (``application/fhir+json``; errors are OperationOutcomes);
- **read-your-writes** (D52, D61): a handler that runs a command answers ``X-Consistency-Token``
  (and 202 when the views lag); one that reads a view takes the token back and may answer 503
  ``read_model_behind``. Which handlers do is read from their code (and the helpers of their
  module they call), and ``tests/e2e/test_openapi_contract.py`` checks it against the server.
"""

from __future__ import annotations

from types import CodeType
from typing import Any, Callable, Iterable, Iterator

from aiohttp import web

from medisync.interface.fhir.bundle import MAX_COUNT
from medisync.interface.http.consistency import TOKEN_HEADER
from medisync.interface.http.fhir_io import FHIR_JSON, FHIR_PREFIX
from medisync.interface.http.fhir_search import MAX_IDENTIFIER, MAX_NAME
from medisync.interface.http.schemas import NO_NUL

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
          "_count": {"type": "integer", "minimum": 1, "maximum": MAX_COUNT},
          # fhir_search.py's limits (400 beyond them; the fuzzer's stateful phase sent a longer name)
          "name": {"type": "string", "maxLength": MAX_NAME, "pattern": NO_NUL},
          "identifier": {"type": "string", "maxLength": MAX_IDENTIFIER, "pattern": NO_NUL}}
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
    _nullable_references(spec)
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


def _nullable_references(spec: dict[str, Any]) -> None:
    """apispec writes a nested schema that may be null as ``anyOf: [the schema, {type: object,
    nullable: true}]``, whose second branch lets any object through (a fuzzer's unknown keys in
    `insights` were schema-valid, and refused). The server takes the schema or null (D61)."""
    for schema in spec.get("components", {}).get("schemas", {}).values():
        for field in schema.get("properties", {}).values():
            branches = field.get("anyOf", [])
            if len(branches) == 2 and "$ref" in branches[0] and branches[1] == {"type": "object", "nullable": True}:
                del field["anyOf"]
                field.update({"allOf": [branches[0]], "nullable": True})


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


# Read-your-writes (D52): what the token is, where it comes from and what a read does with it.
TOKEN_SCHEMA = {"type": "string", "pattern": "^[0-9]{1,18}$", "example": "4711"}
SENDS_TOKEN = frozenset({"command", "public_command"})  # Ctx methods that commit events
TAKES_TOKEN = frozenset({"read", "consistent_with_token"})  # Ctx methods that read a view
CONSISTENCY_COMPONENTS = {
    "headers": {"ConsistencyToken": {
        "description": "The position in the event log of this command's last event. Send it back as "
                       f"`{TOKEN_HEADER}` on a later GET to read your own write (read-your-writes).",
        "schema": TOKEN_SCHEMA}},
    "parameters": {"ConsistencyToken": {
        "name": TOKEN_HEADER, "in": "header", "required": False, "schema": TOKEN_SCHEMA,
        "description": "A token a command answered with: this read waits (bounded) until the views it "
                       "reads show that command, else answers 503 `read_model_behind`. Not digits: 400."}},
}
READ_MODEL_BEHIND = ("`read_model_behind`: the views this read uses have not reached the "
                     f"`{TOKEN_HEADER}` sent within the server's bound; retry shortly (never a stale answer)")
ACCEPTED = ("Recorded, but the views do not show it yet: `{id, status: accepted}`. Read it with the "
            f"`{TOKEN_HEADER}` of this answer")


def document_consistency(spec: dict[str, Any], app: web.Application) -> None:
    """Run after the responses are complete: the token header on every operation that commits,
    the token parameter and 503 on every operation that reads a view."""
    components = spec.setdefault("components", {})
    for kind, entries in CONSISTENCY_COMPONENTS.items():
        components.setdefault(kind, {}).update(entries)
    for method, path, handler in api_routes(app):
        for concrete in _concrete_paths(path):
            operation = spec.get("paths", {}).get(concrete, {}).get(method)
            if operation is None:
                continue
            fhir = path.startswith(FHIR_PREFIX)
            if refers_to(handler, SENDS_TOKEN):
                _sends_token(operation, fhir)
            if refers_to(handler, TAKES_TOKEN):
                _takes_token(operation, fhir)


def refers_to(handler: Handler, names: frozenset[str]) -> bool:
    """Whether the handler, or a function of its own module that it calls, names one of these."""
    module, scope = handler.__module__, getattr(handler, "__globals__", {})
    pending, seen = [handler.__code__], set()
    while pending:
        code = pending.pop()
        if code in seen:
            continue
        seen.add(code)
        if names & set(code.co_names):
            return True
        pending += [const for const in code.co_consts if isinstance(const, CodeType)]
        pending += [scope[name].__code__ for name in code.co_names
                    if callable(scope.get(name)) and getattr(scope[name], "__module__", None) == module
                    and hasattr(scope[name], "__code__")]
    return False


def _error_content(fhir: bool) -> dict[str, Any]:
    return FHIR_ERROR["content"] if fhir else {
        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}


def _sends_token(operation: dict[str, Any], fhir: bool) -> None:
    header = {TOKEN_HEADER: {"$ref": "#/components/headers/ConsistencyToken"}}
    responses = operation["responses"]
    for status, response in responses.items():
        if status.startswith("2"):
            response.setdefault("headers", {}).update(header)
    content = {FHIR_JSON: {"schema": FHIR_RESOURCE}} if fhir else {
        "application/json": {"schema": {"$ref": "#/components/schemas/SuccessEnvelope"}}}
    responses.setdefault("202", {"description": ACCEPTED, "headers": header, "content": content})


def _takes_token(operation: dict[str, Any], fhir: bool) -> None:
    parameters = operation.setdefault("parameters", [])
    reference = {"$ref": "#/components/parameters/ConsistencyToken"}
    if reference not in parameters:
        parameters.append(reference)
    operation["responses"].setdefault("503", {"description": READ_MODEL_BEHIND, "content": _error_content(fhir)})
