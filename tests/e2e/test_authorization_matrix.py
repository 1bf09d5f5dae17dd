"""The authorization matrix: every endpoint x every kind of caller -> the status, in ONE table.

Callers: anonymous, doctor A (the appointment's doctor), doctor B (same
practice, not involved), a nurse, the practice admin, an auditor, and the
admin of another practice. Rules the table encodes:

- no token -> 401, except the public endpoints;
- another practice's ids -> 404, never 403 (existence does not leak);
- a doctor sees only their own appointments and the patients they registered
  or have appointments with -> 404 otherwise;
- a role refusal inside one's own practice -> 403;
- list endpoints answer 200 with only what the caller may see (their content
  is checked in test_isolation.py).

Each cell runs against the real server. Cells that expect success on a
destructive command get a fresh target (a new appointment, document, ...), so
cells never depend on one another's order. The last test checks that the table
covers every operation of the OpenAPI document.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import pytest
import requests

from tests.support.api import (PASSWORD, SOAP, Caller, create_patient, invite, register_practice, unique_email,
                               upload_document, upload_recording)
from tests.support.audio import wav_bytes
from tests.support.server import ServerProcess

CALLERS = ("anonymous", "doctor_a", "doctor_b", "nurse", "admin", "auditor", "other_practice")

# method, path (as in the OpenAPI document, under /api/v1),
#                                            anon  docA  docB  nurse admin audit other
MATRIX: list[tuple[str, str, tuple[int, ...]]] = [
    ("POST", "/auth/register",                (201, 201, 201, 201, 201, 201, 201)),
    ("POST", "/auth/login",                   (200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/auth/refresh",                 (200, 200, 200, 200, 200, 200, 200)),
    ("POST", "/auth/logout",                  (401, 204, 204, 204, 204, 204, 204)),
    ("GET", "/auth/me",                       (401, 200, 200, 200, 200, 200, 200)),
    ("POST", "/auth/password",                (401, 204, 204, 204, 204, 204, 204)),
    ("POST", "/users/invitations",            (401, 403, 403, 403, 201, 403, 201)),
    ("GET", "/users",                         (401, 403, 403, 403, 200, 403, 200)),
    ("PATCH", "/users/{user_id}",             (401, 403, 403, 403, 200, 403, 404)),
    ("POST", "/patients",                     (401, 201, 201, 201, 201, 403, 201)),
    ("GET", "/patients",                      (401, 200, 200, 200, 200, 403, 200)),
    ("GET", "/patients/{patient_id}",         (401, 200, 404, 200, 200, 403, 404)),
    ("PATCH", "/patients/{patient_id}",       (401, 200, 404, 200, 200, 403, 404)),
    ("DELETE", "/patients/{patient_id}",      (401, 403, 403, 403, 204, 403, 404)),
    ("POST", "/patients/{patient_id}/history", (401, 201, 404, 201, 201, 403, 404)),
    ("GET", "/patients/{patient_id}/history", (401, 200, 404, 200, 200, 403, 404)),
    ("PATCH", "/patients/{patient_id}/history/{entry_id}", (401, 200, 404, 200, 200, 403, 404)),
    ("POST", "/patients/{patient_id}/insurance", (401, 201, 404, 201, 201, 403, 404)),
    ("PATCH", "/patients/{patient_id}/insurance/{policy_id}", (401, 200, 404, 200, 200, 403, 404)),
    ("DELETE", "/patients/{patient_id}/insurance/{policy_id}", (401, 204, 404, 204, 204, 403, 404)),
    ("GET", "/appointments/doctors",          (401, 200, 200, 200, 200, 403, 200)),
    # doctor B may book only for themself (doctor A's id is "not found" to them); another
    # practice naming this practice's patient and doctor gets a field error, not a leak.
    ("POST", "/appointments/add",             (401, 201, 404, 201, 201, 403, 400)),
    ("GET", "/appointments/get/{appointment_id}", (401, 200, 404, 200, 200, 403, 404)),
    ("POST", "/appointments/{appointment_id}/reschedule", (401, 200, 404, 200, 200, 403, 404)),
    ("POST", "/appointments/{appointment_id}/cancel", (401, 200, 404, 200, 200, 403, 404)),
    ("POST", "/appointments/{appointment_id}/check-in", (401, 200, 404, 200, 200, 403, 404)),
    ("POST", "/appointments/{appointment_id}/start", (401, 200, 404, 200, 200, 403, 404)),
    ("POST", "/appointments/{appointment_id}/complete", (401, 200, 404, 200, 200, 403, 404)),
    ("POST", "/appointments/{appointment_id}/no-show", (401, 200, 404, 200, 200, 403, 404)),
    ("POST", "/recordings/{appointment_id}",  (401, 201, 404, 201, 201, 403, 404)),
    ("GET", "/recordings",                    (401, 200, 200, 200, 200, 403, 200)),
    ("GET", "/recordings/{appointment_id}",   (401, 200, 404, 200, 200, 403, 404)),
    ("DELETE", "/recordings/{appointment_id}", (401, 204, 404, 204, 204, 403, 404)),
    ("GET", "/recordings/{appointment_id}/audio", (401, 200, 404, 200, 200, 403, 404)),
    ("GET", "/transcriptions/{appointment_id}", (401, 200, 404, 200, 200, 403, 404)),
    # Writing notes: admins and doctors; the nurse reads them.
    ("POST", "/notes/add/{appointment_id}",   (401, 200, 404, 403, 200, 403, 404)),
    ("GET", "/notes/{appointment_id}",        (401, 200, 404, 200, 200, 403, 404)),
    # Only the appointment's doctor signs.
    ("POST", "/notes/{appointment_id}/sign",  (401, 200, 404, 403, 403, 403, 404)),
    # Allowed callers pass every gate and reach the state check: no transcript yet -> 409.
    ("POST", "/notes/{appointment_id}/generate", (401, 409, 404, 403, 409, 403, 404)),
    # Note templates (issue 17): clinical staff read them; the admin defines them; a doctor
    # chooses their own default, the admin the practice's.
    ("GET", "/notes/templates",               (401, 200, 200, 200, 200, 403, 200)),
    ("POST", "/notes/templates",              (401, 403, 403, 403, 201, 403, 201)),
    ("GET", "/notes/templates/defaults",      (401, 200, 200, 200, 200, 403, 200)),
    ("PUT", "/notes/templates/defaults",      (401, 200, 200, 403, 200, 403, 200)),
    ("GET", "/notes/templates/{template_id}", (401, 200, 200, 200, 200, 403, 404)),
    ("PATCH", "/notes/templates/{template_id}", (401, 403, 403, 403, 200, 403, 404)),
    ("DELETE", "/notes/templates/{template_id}", (401, 403, 403, 403, 204, 403, 404)),
    # Patient summaries and letters: written by note writers, read by clinical staff.
    ("POST", "/notes/{appointment_id}/patient-summary", (401, 201, 404, 403, 201, 403, 404)),
    ("GET", "/notes/{appointment_id}/patient-summary", (401, 200, 404, 200, 200, 403, 404)),
    ("PATCH", "/notes/{appointment_id}/patient-summary", (401, 200, 404, 403, 200, 403, 404)),
    ("POST", "/notes/{appointment_id}/patient-summary/send", (401, 200, 404, 403, 200, 403, 404)),
    ("POST", "/notes/{appointment_id}/letters", (401, 201, 404, 403, 201, 403, 404)),
    ("GET", "/notes/{appointment_id}/letters", (401, 200, 404, 200, 200, 403, 404)),
    ("PATCH", "/notes/{appointment_id}/letters/{letter_id}", (401, 200, 404, 403, 200, 403, 404)),
    ("POST", "/notes/{appointment_id}/letters/{letter_id}/send", (401, 200, 404, 403, 200, 403, 404)),
    ("POST", "/documents",                    (401, 201, 404, 201, 201, 403, 404)),
    ("GET", "/documents",                     (401, 200, 404, 200, 200, 403, 404)),
    ("GET", "/documents/{document_id}",       (401, 200, 404, 200, 200, 403, 404)),
    ("GET", "/documents/{document_id}/content", (401, 200, 404, 200, 200, 403, 404)),
    ("DELETE", "/documents/{document_id}",    (401, 204, 404, 204, 204, 403, 404)),
    # The audit trail: the practice's admin and auditors; another practice sees only its own.
    ("GET", "/audit/events",                  (401, 403, 403, 403, 200, 200, 200)),
    ("GET", "/audit/aggregates/{aggregate_id}/history", (401, 403, 403, 403, 200, 200, 404)),
    ("GET", "/audit/aggregates/{aggregate_id}/state", (401, 403, 403, 403, 200, 200, 404)),
    ("GET", "/audit/access",                  (401, 403, 403, 403, 200, 200, 200)),
    ("GET", "/audit/export",                  (401, 403, 403, 403, 200, 200, 200)),
    ("GET", "/audit/checkpoints",             (401, 403, 403, 403, 200, 200, 200)),
    ("GET", "/health",                        (200, 200, 200, 200, 200, 200, 200)),
    ("GET", "/openapi.json",                  (200, 200, 200, 200, 200, 200, 200)),
]

_slots = itertools.count()


def next_start() -> str:
    """A start time no other cell uses, so bookings never overlap."""
    base = datetime(2029, 1, 1, 8, tzinfo=timezone.utc)
    return (base + timedelta(hours=next(_slots))).isoformat()


@dataclass
class World:
    api: str
    callers: dict[str, Caller]
    ids: dict[str, str]
    target_user: Caller
    login_email: str


@dataclass
class Request:
    """What one cell sends; ``fresh`` builds new targets when success is expected."""

    json: Callable[[World], Any] | None = None
    files: Callable[[World, dict[str, str]], dict[str, Any]] | None = None
    data: Callable[[World, dict[str, str]], dict[str, str]] | None = None
    fresh: Callable[[World], dict[str, str]] | None = None
    # Use the fresh target for every caller: the shared one's state depends on other cells
    # (e.g. whether the ML worker has transcribed audio uploaded by another cell).
    always_fresh: bool = False
    params: Callable[[World, dict[str, str]], dict[str, str]] | None = None
    own_session: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _admin(world: World) -> Caller:
    return world.callers["admin"]


def _appointment(world: World, *steps: str) -> dict[str, str]:
    body = {"patient_id": world.ids["patient_id"], "doctor_id": world.callers["doctor_a"].id,
            "start": next_start(), "duration_minutes": 30, "type": "follow_up"}
    made = _admin(world).post("/appointments/add", json=body)
    assert made.status_code == 201, made.text
    appointment_id = made.json()["data"]["id"]
    for step in steps:
        moved = _admin(world).post(f"/appointments/{appointment_id}/{step}")
        assert moved.status_code == 200, moved.text
    return {"appointment_id": appointment_id}


def _with_recording(world: World) -> dict[str, str]:
    ids = _appointment(world)
    upload_recording(_admin(world), ids["appointment_id"])
    return ids


def _with_note(world: World) -> dict[str, str]:
    ids = _appointment(world)
    written = world.callers["doctor_a"].post(f"/notes/add/{ids['appointment_id']}", json=SOAP)
    assert written.status_code == 201, written.text
    return ids


_TEMPLATE = {"name": "Matrix template", "sections": [{"title": "Assessment"}, {"title": "Plan"}]}


def _template(world: World) -> dict[str, str]:
    made = _admin(world).post("/notes/templates", json=_TEMPLATE)
    assert made.status_code == 201, made.text
    return {"template_id": made.json()["data"]["id"]}


def _with_documents(world: World) -> dict[str, str]:
    """A visit with a note, a patient summary and a letter (issue 17)."""
    ids = _with_note(world)
    doctor, appointment_id = world.callers["doctor_a"], ids["appointment_id"]
    assert doctor.post(f"/notes/{appointment_id}/patient-summary").status_code == 201
    letter = doctor.post(f"/notes/{appointment_id}/letters", json={"kind": "to_gp", "recipient": "Dr Matrix"})
    assert letter.status_code == 201, letter.text
    return {**ids, "letter_id": letter.json()["data"]["id"]}


def _policy(world: World) -> dict[str, str]:
    made = _admin(world).post(f"/patients/{world.ids['patient_id']}/insurance",
                              json={"payer": "Acme Health", "member_id": "M-1"})
    assert made.status_code == 201, made.text
    return {"policy_id": made.json()["data"]["id"]}


def _refresh_body(world: World) -> dict[str, str]:
    response = requests.post(f"{world.api}/auth/login", timeout=30,
                             json={"email": world.login_email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"refresh_token": response.json()["data"]["refresh_token"]}


def _document_form(world: World, ids: dict[str, str]) -> dict[str, str]:
    return {"patient_id": world.ids["patient_id"], "kind": "lab_result", "title": "CBC"}


def _document_file(world: World, ids: dict[str, str]) -> dict[str, Any]:
    return {"file": ("cbc.pdf", b"%PDF-1.4\n" + uuid.uuid4().bytes + b"\n%%EOF\n", "application/pdf")}


REQUESTS: dict[tuple[str, str], Request] = {
    ("POST", "/auth/register"): Request(json=lambda w: {
        "email": unique_email("matrix"), "password": PASSWORD, "full_name": "Matrix Admin",
        "practice_name": "Matrix Practice"}),
    ("POST", "/auth/login"): Request(json=lambda w: {"email": w.login_email, "password": PASSWORD}),
    ("POST", "/auth/refresh"): Request(json=_refresh_body),
    ("POST", "/auth/logout"): Request(json=lambda w: {}, own_session=True),
    ("POST", "/auth/password"): Request(json=lambda w: {"current_password": PASSWORD, "new_password": PASSWORD}),
    ("POST", "/users/invitations"): Request(json=lambda w: {"email": unique_email("inv"), "role": "nurse"}),
    ("PATCH", "/users/{user_id}"): Request(json=lambda w: {"tier": "standard"}),
    ("POST", "/patients"): Request(json=lambda w: {
        "mrn": f"MX-{uuid.uuid4().hex[:10]}", "first_name": "Mara", "last_name": "Trix",
        "date_of_birth": "1970-01-02", "sex": "female"}),
    ("PATCH", "/patients/{patient_id}"): Request(json=lambda w: {"phone": "+1-555-0142"}),
    ("DELETE", "/patients/{patient_id}"): Request(fresh=lambda w: {"patient_id": create_patient(_admin(w))["id"]}),
    ("POST", "/patients/{patient_id}/history"): Request(json=lambda w: {"kind": "allergy", "description": "Latex"}),
    ("PATCH", "/patients/{patient_id}/history/{entry_id}"): Request(json=lambda w: {"notes": "reviewed"}),
    ("POST", "/patients/{patient_id}/insurance"): Request(json=lambda w: {"payer": "Acme", "member_id": "X-9"}),
    ("PATCH", "/patients/{patient_id}/insurance/{policy_id}"): Request(json=lambda w: {"plan": "Gold"}),
    ("DELETE", "/patients/{patient_id}/insurance/{policy_id}"): Request(fresh=_policy),
    ("POST", "/appointments/add"): Request(json=lambda w: {
        "patient_id": w.ids["patient_id"], "doctor_id": w.callers["doctor_a"].id, "start": next_start(),
        "duration_minutes": 30, "type": "follow_up"}),
    ("POST", "/appointments/{appointment_id}/reschedule"): Request(
        json=lambda w: {"start": next_start(), "duration_minutes": 45}, fresh=lambda w: _appointment(w)),
    ("POST", "/appointments/{appointment_id}/cancel"): Request(
        json=lambda w: {"reason": "patient request"}, fresh=lambda w: _appointment(w)),
    ("POST", "/appointments/{appointment_id}/check-in"): Request(fresh=lambda w: _appointment(w)),
    ("POST", "/appointments/{appointment_id}/start"): Request(fresh=lambda w: _appointment(w, "check-in")),
    ("POST", "/appointments/{appointment_id}/complete"): Request(
        fresh=lambda w: _appointment(w, "check-in", "start")),
    ("POST", "/appointments/{appointment_id}/no-show"): Request(fresh=lambda w: _appointment(w)),
    ("POST", "/recordings/{appointment_id}"): Request(
        files=lambda w, ids: {"file": ("visit.wav", wav_bytes(1.0), "audio/wav")}),
    ("DELETE", "/recordings/{appointment_id}"): Request(fresh=_with_recording),
    ("POST", "/notes/add/{appointment_id}"): Request(json=lambda w: SOAP),
    ("POST", "/notes/{appointment_id}/sign"): Request(fresh=_with_note),
    ("POST", "/notes/{appointment_id}/generate"): Request(json=lambda w: {"generator": "extractive"},
                                                          fresh=lambda w: _appointment(w), always_fresh=True),
    ("POST", "/notes/templates"): Request(json=lambda w: _TEMPLATE),
    ("PUT", "/notes/templates/defaults"): Request(json=lambda w: {"template": "soap"}),
    ("PATCH", "/notes/templates/{template_id}"): Request(json=lambda w: {"name": f"Renamed {uuid.uuid4().hex[:6]}"}),
    ("DELETE", "/notes/templates/{template_id}"): Request(fresh=lambda w: _template(w)),
    ("POST", "/notes/{appointment_id}/letters"): Request(json=lambda w: {"kind": "referral", "recipient": "Dr Matrix"}),
    ("PATCH", "/notes/{appointment_id}/patient-summary"): Request(json=lambda w: {"text": "Rest and drink water."},
                                                                  fresh=lambda w: _with_documents(w)),
    ("POST", "/notes/{appointment_id}/patient-summary/send"): Request(json=lambda w: {"channel": "print"},
                                                                      fresh=lambda w: _with_documents(w)),
    ("PATCH", "/notes/{appointment_id}/letters/{letter_id}"): Request(json=lambda w: {"text": "Dear Dr Matrix."},
                                                                      fresh=lambda w: _with_documents(w)),
    ("POST", "/notes/{appointment_id}/letters/{letter_id}/send"): Request(json=lambda w: {"channel": "fax"},
                                                                          fresh=lambda w: _with_documents(w)),
    ("POST", "/documents"): Request(data=_document_form, files=_document_file),
    ("GET", "/documents"): Request(params=lambda w, ids: {"patient_id": ids["patient_id"]}),
    ("GET", "/audit/aggregates/{aggregate_id}/state"): Request(
        params=lambda w, ids: {"as_of": datetime.now(timezone.utc).isoformat()}),
    ("DELETE", "/documents/{document_id}"): Request(
        fresh=lambda w: {"document_id": upload_document(_admin(w), w.ids["patient_id"])["id"]}),
}


@pytest.fixture(scope="module")
def world(server: ServerProcess) -> World:
    admin = register_practice(server.api, "matrix")
    doctor_a, doctor_b = invite(admin, "doctor", "matrix-a"), invite(admin, "doctor", "matrix-b")
    nurse, auditor = invite(admin, "nurse", "matrix"), invite(admin, "auditor", "matrix")
    other = register_practice(server.api, "matrix-other")
    target_user = invite(admin, "nurse", "matrix-target")
    patient = create_patient(admin, first_name="Matilda", last_name="Matrix")
    world = World(server.api, {"anonymous": Caller(server.api, None, {}), "doctor_a": doctor_a,
                               "doctor_b": doctor_b, "nurse": nurse, "admin": admin, "auditor": auditor,
                               "other_practice": other},
                  {"patient_id": patient["id"], "user_id": target_user.id}, target_user,
                  target_user.user["email"])
    appointment = _appointment(world)["appointment_id"]
    upload_recording(doctor_a, appointment)
    # 201, or 200 when the AI draft of the uploaded clip opened the note first
    assert doctor_a.post(f"/notes/add/{appointment}", json=SOAP).status_code in (200, 201)
    entry = admin.post(f"/patients/{patient['id']}/history", json={"kind": "condition", "description": "Asthma"})
    assert entry.status_code == 201, entry.text
    world.ids.update(appointment_id=appointment, aggregate_id=patient["id"], entry_id=entry.json()["data"]["id"],
                     document_id=upload_document(admin, patient["id"])["id"], **_policy(world))
    assert doctor_a.post(f"/notes/{appointment}/patient-summary").status_code == 201
    letter = doctor_a.post(f"/notes/{appointment}/letters", json={"kind": "referral", "recipient": "Dr Matrix"})
    assert letter.status_code == 201, letter.text
    world.ids.update(letter_id=letter.json()["data"]["id"], **_template(world))
    return world


def _cells() -> list[Any]:
    return [pytest.param(method, path, caller, expected[i], id=f"{method} {path} as {caller}")
            for method, path, expected in MATRIX for i, caller in enumerate(CALLERS)]


def _session_of(world: World, caller: Caller) -> Caller:
    """A separate login of the same user, for cells that end their session."""
    email = caller.user["email"]
    response = requests.post(f"{world.api}/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    assert response.status_code == 200, response.text
    return Caller(world.api, response.json()["data"]["access_token"], caller.user)


@pytest.mark.parametrize(("method", "path", "caller_name", "expected"), _cells())
def test_cell(world: World, method: str, path: str, caller_name: str, expected: int) -> None:
    spec = REQUESTS.get((method, path), Request())
    caller = world.callers[caller_name]
    ids = dict(world.ids)
    if spec.fresh is not None and (200 <= expected < 300 or spec.always_fresh):
        ids.update(spec.fresh(world))
    if spec.own_session and caller.token:
        caller = _session_of(world, caller)
    kwargs: dict[str, Any] = {}
    if spec.json is not None:
        kwargs["json"] = spec.json(world)
    if spec.files is not None:
        kwargs["files"] = spec.files(world, ids)
    if spec.data is not None:
        kwargs["data"] = spec.data(world, ids)
    if spec.params is not None:
        kwargs["params"] = spec.params(world, ids)
    response = caller.request(method, path.format(**ids), **kwargs)
    assert response.status_code == expected, (caller_name, method, path, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert body["success"] is False and body["request_id"] == response.headers["X-Request-ID"]


def test_the_matrix_covers_every_documented_operation(server: ServerProcess) -> None:
    spec = requests.get(f"{server.api}/openapi.json", timeout=30).json()
    # The FHIR facade's operations are in the document too (D44); their authorization is tested
    # resource by resource in tests/e2e/test_fhir.py, with FHIR's own error format.
    documented = {(method.upper(), path.removeprefix("/api/v1"))
                  for path, operations in spec["paths"].items()
                  if path.startswith("/api/v1") and not path.startswith("/api/v1/fhir/")
                  for method in operations if method in ("get", "post", "put", "patch", "delete")}
    in_table = {(method, path) for method, path, _ in MATRIX}
    assert documented - in_table == set(), "operations missing from the authorization matrix"
    assert in_table - documented <= {("GET", "/openapi.json")}, "rows for operations that do not exist"
    assert len(in_table) == len(MATRIX), "one row per operation"
    assert all(len(expected) == len(CALLERS) for _, _, expected in MATRIX)
