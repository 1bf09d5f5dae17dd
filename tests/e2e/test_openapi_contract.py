"""The OpenAPI document is complete and true (issue 18 s3, D44).

- every route of the code is in the document (the FHIR facade included);
- the security of each operation is what the code does: without a token, an operation that
  requires one answers 401 with a Bearer challenge, and one marked `security: []` does not;
- uploads document their multipart body (a file picker in Swagger UI), required JSON bodies are
  marked required, and no summary speaks of our own tests;
- read-your-writes (D52, D61): the X-Consistency-Token a command answers with, and the reads that
  take it back (400 when malformed, 503 read_model_behind when the views lag), are documented on
  exactly the operations that do so.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from medisync.interface.http.app import ROUTE_TABLES
from medisync.interface.http.middleware import is_public_route
from medisync.interface.http.routes import audit as audit_routes
from medisync.interface.http.routes.fhir import INSIGHT_TYPES
from tests.support.api import Caller, invite, register_practice, unique_email
from tests.support.server import ServerProcess


def code_routes() -> set[tuple[str, str, bool]]:
    """(method, path, public) of every /api/v1 route the application registers."""
    found = set()
    for table in (*ROUTE_TABLES, audit_routes.routes):
        for route in table:
            paths = [route.path]
            if "{type:" in route.path:
                paths = [re.sub(r"\{type:[^}]+\}", kind, route.path) for kind in INSIGHT_TYPES.split("|")]
            for path in paths:
                found.add((route.method.lower(), path, is_public_route(route.handler, path)))
    return found


@pytest.fixture(scope="module")
def spec(server: ServerProcess) -> dict[str, Any]:
    response = requests.get(f"{server.api}/openapi.json", timeout=30)
    assert response.status_code == 200
    return response.json()


def operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(method, path): operation for path, ops in spec["paths"].items() for method, operation in ops.items()}


def test_every_route_is_in_the_spec(spec: dict[str, Any]) -> None:
    documented = operations(spec)
    missing = sorted((m, p) for m, p, _ in code_routes() if (m, p) not in documented)
    assert not missing, missing
    assert len(documented) >= 60


def test_each_operations_security_is_what_the_code_does(spec: dict[str, Any], server: ServerProcess) -> None:
    documented, wrong = operations(spec), []
    assert spec["security"] == [{"bearerAuth": []}]
    for method, path, public in sorted(code_routes()):
        says_public = documented[(method, path)].get("security") == []
        if says_public != public:
            wrong.append(f"{method.upper()} {path}: spec says {'public' if says_public else 'token'}")
        url = server.base + re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        answer = requests.request(method, url, timeout=30)
        refused = answer.status_code == 401 and answer.headers.get("WWW-Authenticate", "").startswith("Bearer")
        if refused == says_public:
            wrong.append(f"{method.upper()} {path}: without a token {answer.status_code}, spec says "
                         f"{'public' if says_public else 'token'}")
    assert not wrong, wrong
    public = {(m, p) for m, p, is_public in code_routes() if is_public}
    assert {("post", "/api/v1/auth/login"), ("post", "/api/v1/auth/register"), ("post", "/api/v1/auth/refresh"),
            ("get", "/api/v1/health"), ("get", "/api/v1/fhir/metadata")} == public


def test_uploads_have_a_multipart_body_with_the_file(spec: dict[str, Any]) -> None:
    for path in ("/api/v1/recordings/{appointment_id}", "/api/v1/documents"):
        body = spec["paths"][path]["post"]["requestBody"]
        schema = body["content"]["multipart/form-data"]["schema"]
        assert body["required"] and "file" in schema["required"]
        assert schema["properties"]["file"] == {**schema["properties"]["file"], "type": "string", "format": "binary"}
    documents = spec["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert set(documents["schema"]["required"]) == {"file", "patient_id", "kind", "title"}


def test_required_bodies_are_marked_and_summaries_speak_to_integrators(spec: dict[str, Any]) -> None:
    ops = operations(spec)
    assert ops[("post", "/api/v1/patients")]["requestBody"]["required"] is True
    assert ops[("post", "/api/v1/notes/add/{appointment_id}")]["requestBody"]["required"] is False  # partial
    for (method, path), operation in ops.items():
        text = f"{operation.get('summary', '')} {operation.get('description', '')}".lower()
        assert "seed" not in text and " test" not in text, (method, path, text)
    invitation = ops[("post", "/api/v1/users/invitations")]
    assert "POST /auth/register" in invitation["responses"]["201"]["description"]
    register = spec["components"]["schemas"]["Register"]["properties"]
    assert "at least 10 characters" in register["password"]["description"].lower()
    assert "POST /users/invitations" in register["invitation_token"]["description"]


TOKEN = "X-Consistency-Token"
TOKEN_PARAMETER = {"$ref": "#/components/parameters/ConsistencyToken"}


def _sample_url(path: str, operation: dict[str, Any]) -> str:
    """The path with ids of the shape each operation parses (a FHIR id carries its source), and
    a value for each required query parameter."""
    row = str(uuid.uuid4())
    if "/fhir/DocumentReference/" in path or "/fhir/Binary/" in path:
        path = path.replace("{id}", f"doc-{row}")
    elif any(f"/fhir/{kind}/" in path for kind in INSIGHT_TYPES.split("|")):
        path = path.replace("{id}", f"{row}-v1-med1")
    query = {p["name"]: p.get("schema", {}).get("example", row) for p in operation.get("parameters", [])
             if p.get("in") == "query" and p.get("required")}
    return re.sub(r"\{[^}]+\}", row, path) + ("?" + urlencode(query) if query else "")


def test_reads_document_the_consistency_token_they_take(spec: dict[str, Any], server: ServerProcess) -> None:
    """A GET that reads a view takes X-Consistency-Token back (a malformed one is refused with 400
    naming it) and may answer 503 read_model_behind: exactly those GETs document both (D52, D61)."""
    admin = register_practice(server.api, "contract")
    wrong = []
    for (method, path), operation in sorted(operations(spec).items()):
        if method != "get" or operation.get("security") == []:
            continue
        documented = TOKEN_PARAMETER in operation.get("parameters", [])
        if documented != ("read_model_behind" in operation["responses"].get("503", {}).get("description", "")):
            wrong.append(f"GET {path}: the token parameter and the 503 are not documented together")
        answer = requests.get(server.base + _sample_url(path, operation), timeout=30,
                              headers={**admin.headers, TOKEN: "not-a-token"})
        takes = answer.status_code == 400 and TOKEN in answer.text
        if takes != documented:
            wrong.append(f"GET {path}: a malformed token answered {answer.status_code}; documented: {documented}")
    assert not wrong, wrong
    assert len([op for op in operations(spec).values() if TOKEN_PARAMETER in op.get("parameters", [])]) >= 40


def _commands(admin: Caller, doctor: Caller) -> list[tuple[str, str, requests.Response]]:
    """A command of each kind, as (method, documented path, answer)."""
    patient = admin.post("/patients", json={"mrn": f"MRN-{uuid.uuid4().hex[:8]}", "first_name": "Ada",
                                            "last_name": "Contract", "date_of_birth": "1970-01-01",
                                            "sex": "female"})
    patient_id = patient.json()["data"]["id"]
    appointment = admin.post("/appointments/add", json={
        "patient_id": patient_id, "doctor_id": doctor.id, "start": "2027-03-01T09:00:00Z",
        "duration_minutes": 30, "type": "follow_up", "reason": "contract"})
    template = admin.post("/notes/templates", json={"name": "Contract", "sections": [{"title": "Plan"}]})
    return [
        ("post", "/api/v1/patients", patient),
        ("patch", "/api/v1/patients/{patient_id}",
         admin.patch(f"/patients/{patient_id}", json={"phone": "+1-555-0199"})),
        ("post", "/api/v1/patients/{patient_id}/history", admin.post(
            f"/patients/{patient_id}/history", json={"kind": "condition", "description": "Asthma"})),
        ("post", "/api/v1/appointments/add", appointment),
        ("post", "/api/v1/notes/templates", template),
        ("post", "/api/v1/users/invitations", admin.post(
            "/users/invitations", json={"email": unique_email("contract"), "role": "nurse"})),
        ("get", "/api/v1/patients/{patient_id}", admin.get(f"/patients/{patient_id}")),
    ]


def test_commands_document_the_consistency_token_they_answer(spec: dict[str, Any], server: ServerProcess) -> None:
    """An answer carries X-Consistency-Token exactly where the document says it does; every
    operation that sends it also documents its 202 (recorded, views not there yet)."""
    admin = register_practice(server.api, "contract")
    doctor = invite(admin, "doctor")
    documented_ops, sent = operations(spec), 0
    for method, path, answer in _commands(admin, doctor):
        assert answer.status_code < 300, (method, path, answer.text)
        response = documented_ops[(method, path)]["responses"][str(answer.status_code)]
        documented = TOKEN in response.get("headers", {})
        assert (TOKEN in answer.headers) == documented, (method, path, answer.status_code, answer.headers)
        if documented:
            assert re.fullmatch(r"[0-9]{1,18}", answer.headers[TOKEN])
            sent += 1
    assert sent >= 5
    for (method, path), operation in documented_ops.items():
        if any(TOKEN in r.get("headers", {}) for r in operation["responses"].values()):
            assert method != "get" and TOKEN in operation["responses"]["202"]["headers"], (method, path)
