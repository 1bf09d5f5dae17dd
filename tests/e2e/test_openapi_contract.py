"""The OpenAPI document is complete and true (issue 18 s3, D44).

- every route of the code is in the document (the FHIR facade included);
- the security of each operation is what the code does: without a token, an operation that
  requires one answers 401 with a Bearer challenge, and one marked `security: []` does not;
- uploads document their multipart body (a file picker in Swagger UI), required JSON bodies are
  marked required, and no summary speaks of our own tests.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import requests

from medisync.interface.http.app import ROUTE_TABLES
from medisync.interface.http.middleware import is_public_route
from medisync.interface.http.routes import audit as audit_routes
from medisync.interface.http.routes.fhir import INSIGHT_TYPES
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
