"""Every status code of the seed's table, through the success and error
envelopes, over real HTTP; plus X-Request-ID and rate-limit headers."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from tests.support.api import (PASSWORD, Caller, assert_error, create_patient, invite, register_practice,
                               schedule, unique_email)
from tests.support.audio import wav_bytes
from tests.support.server import ServerProcess

GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")
LEAKS = ("Traceback", "File \"", ".py", "/work", "site-packages", "psycopg", "Error:", "medisync.")


def ok(response: requests.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is True and set(body) == {"success", "data", "meta"}, body
    return body["data"]


def document(caller: Caller, patient_id: str, content: bytes, **form: str) -> requests.Response:
    return caller.post("/documents", data={"patient_id": patient_id, "kind": "other", "title": "Doc", **form},
                       files={"file": ("f.txt", content, "text/plain")})


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> Caller:
    return register_practice(server.api, "codes")


def test_200_201_204(admin: Caller) -> None:
    patient = create_patient(admin, first_name="Olga")
    assert ok(admin.get(f"/patients/{patient['id']}"))["first_name"] == "Olga"
    doc = ok(document(admin, patient["id"], b"lab value 5.4 mmol/L\n"), 201)
    deleted = admin.delete(f"/documents/{doc['id']}")
    assert deleted.status_code == 204 and deleted.content == b"" and deleted.headers["X-Request-ID"]
    assert_error(admin.get(f"/documents/{doc['id']}"), 404, "not_found")
    doctor = invite(admin, "doctor")
    appointment = schedule(admin, patient["id"], doctor.id)
    audio = wav_bytes()
    recording = ok(doctor.post(f"/recordings/{appointment['id']}", files={"file": ("a.wav", audio, "audio/wav")}), 201)
    assert recording["content_type"] == "audio/wav" and recording["size_bytes"] == len(audio)
    removed = doctor.delete(f"/recordings/{appointment['id']}", params={"reason": "wrong patient"})
    assert removed.status_code == 204 and removed.content == b""
    assert ok(doctor.get(f"/recordings/{appointment['id']}")) == []
    assert_error(doctor.get(f"/recordings/{appointment['id']}/audio"), 404, "not_found")
    assert_error(doctor.delete(f"/recordings/{appointment['id']}"), 404, "not_found")


def test_400_validation_details_unknown_fields_and_bad_uploads(admin: Caller) -> None:
    error = assert_error(admin.post("/patients", json={"first_name": "", "sex": "robot", "date_of_birth": "nope",
                                                       "bogus": 1}), 400, "validation_error")
    fields = error["details"]["fields"]
    assert fields["mrn"] == ["Missing data for required field."] and fields["bogus"] == ["Unknown field."]
    assert set(fields) == {"mrn", "first_name", "last_name", "date_of_birth", "sex", "bogus"}
    query = assert_error(admin.get("/patients", params={"per_page": 0}), 400, "validation_error")
    assert set(query["details"]["fields"]) == {"per_page"}
    patient = create_patient(admin)
    doctor = invite(admin, "doctor")
    appointment = schedule(admin, patient["id"], doctor.id)
    not_audio = doctor.post(f"/recordings/{appointment['id']}", files={"file": ("a.wav", b"RIFF" + os.urandom(64), "audio/wav")})
    assert assert_error(not_audio, 400, "invalid_upload")["message"] == "the file is not decodable audio"
    no_file = doctor.post(f"/recordings/{appointment['id']}", files={"other": ("a.txt", b"hi", "text/plain")})
    assert set(assert_error(no_file, 400, "validation_error")["details"]["fields"]) == {"file"}
    bad_form = document(admin, patient["id"], b"text", kind="selfie")
    assert set(assert_error(bad_form, 400, "validation_error")["details"]["fields"]) == {"kind"}
    wrong_type = admin.post("/patients", data={"mrn": "x"})
    assert_error(wrong_type, 415, "unsupported_media_type")


def test_401_403_404(admin: Caller, server: ServerProcess) -> None:
    assert_error(requests.get(f"{server.api}/auth/me", timeout=10), 401, "unauthorized")
    assert_error(requests.get(f"{server.api}/auth/me", headers={"Authorization": "Bearer a.b.c"}, timeout=10),
                 401, "token_invalid")
    wrong = requests.post(f"{server.api}/auth/login", json={"email": admin.user["email"], "password": "wrong-pass-1"},
                          timeout=10)
    assert assert_error(wrong, 401, "unauthorized")["message"] == "invalid email or password"
    nurse = invite(admin, "nurse")
    assert_error(nurse.post("/users/invitations", json={"email": unique_email("x"), "role": "admin"}),
                 403, "forbidden")
    assert_error(nurse.get("/users"), 403, "forbidden")
    for path in (f"/patients/{uuid.uuid4()}", "/patients/not-a-uuid", f"/appointments/get/{uuid.uuid4()}",
                 f"/notes/{uuid.uuid4()}", "/no/such/route"):
        assert_error(admin.get(path), 404)
        assert admin.get(path).json()["error"]["code"] == "not_found"


def test_409_duplicates_and_terminal_transitions(admin: Caller, server: ServerProcess) -> None:
    duplicate = requests.post(f"{server.api}/auth/register", timeout=30, json={
        "email": admin.user["email"].upper(), "password": PASSWORD, "full_name": "Dup", "practice_name": "Dup"})
    assert assert_error(duplicate, 409, "conflict")["details"] == {"field": "email"}
    patient = create_patient(admin)
    again = admin.post("/patients", json={"mrn": f" {patient['mrn'].lower()} ", "first_name": "B", "last_name": "C",
                                          "date_of_birth": "2000-01-01", "sex": "male"})
    assert assert_error(again, 409, "conflict")["details"] == {"field": "mrn"}
    doctor = invite(admin, "doctor")
    appointment = schedule(admin, patient["id"], doctor.id, start="2027-08-01T09:00:00+00:00")
    for step in ("check-in", "start", "complete"):
        assert ok(admin.post(f"/appointments/{appointment['id']}/{step}"))["id"] == appointment["id"]
    refused = admin.post(f"/appointments/{appointment['id']}/cancel", json={"reason": "too late"})
    assert assert_error(refused, 409, "invalid_transition")["details"] == {"status": "completed"}
    assert ok(admin.get(f"/appointments/get/{appointment['id']}"))["status"] == "completed"


def test_request_id_on_every_response_and_echoed_when_well_formed(admin: Caller, server: ServerProcess) -> None:
    responses = [admin.get("/auth/me"), admin.get("/patients/nope"), admin.post("/patients", json={}),
                 requests.get(f"{server.api}/auth/me", timeout=10), admin.delete("/patients"),
                 requests.get(f"{server.api}/health", timeout=10), admin.post("/patients", data="x")]
    for response in responses:
        assert GENERATED_ID.match(response.headers["X-Request-ID"]), response.headers
        if response.status_code >= 400:
            assert response.json()["request_id"] == response.headers["X-Request-ID"]
    mine = "trace-" + uuid.uuid4().hex[:12]
    echoed = admin.get(f"/patients/{uuid.uuid4()}", headers={"X-Request-ID": mine})
    assert echoed.headers["X-Request-ID"] == mine and assert_error(echoed, 404)["code"] == "not_found"
    assert echoed.json()["request_id"] == mine
    assert admin.get("/auth/me", headers={"X-Request-ID": mine}).headers["X-Request-ID"] == mine
    for malformed in ("bad id!", "short", "x" * 65, "../../etc"):
        replaced = admin.get("/auth/me", headers={"X-Request-ID": malformed})
        assert replaced.status_code == 200 and GENERATED_ID.match(replaced.headers["X-Request-ID"])


@pytest.fixture
def limited(server: ServerProcess, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    # A second API process on the same database and signing key; the first runs the projections.
    process = ServerProcess(tmp_path_factory.mktemp("limited"), database_url, extra_env={
        "MEDISYNC_JWT_KEY_FILE": str(Path(server.data_dir) / "keys" / "jwt-ed25519.json"),
        "MEDISYNC_RATE_LIMIT_STANDARD": "5/minute", "MEDISYNC_RATE_LIMIT_ANONYMOUS": "5/minute",
        "MEDISYNC_RUN_PROJECTIONS": "false", "MEDISYNC_RUN_WORKER": "false"}).start()
    yield process
    process.stop()


def test_429_with_retry_after_and_rate_limit_headers(server: ServerProcess, limited: ServerProcess) -> None:
    first, second = register_practice(server.api, "limited-a"), register_practice(server.api, "limited-b")
    heads = {"Authorization": f"Bearer {first.token}"}
    for remaining in (4, 3, 2, 1, 0):
        response = requests.get(f"{limited.api}/auth/me", headers=heads, timeout=10)
        assert ok(response)["id"] == first.id
        assert response.headers["X-RateLimit-Limit"] == "5"
        assert response.headers["X-RateLimit-Remaining"] == str(remaining)
        assert int(response.headers["X-RateLimit-Reset"]) > 0
    refused = requests.get(f"{limited.api}/auth/me", headers=heads, timeout=10)
    error = assert_error(refused, 429, "too_many_requests")
    assert int(refused.headers["Retry-After"]) >= 1 and error["details"]["retry_after"] >= 1
    assert refused.headers["X-RateLimit-Remaining"] == "0" and refused.headers["X-Request-ID"]
    # The limit is per user: another user of the same server is not affected.
    assert ok(requests.get(f"{limited.api}/auth/me", headers={"Authorization": f"Bearer {second.token}"}, timeout=10))
    # Anonymous calls are limited per IP (readiness probes have used some of the budget).
    statuses = []
    for _ in range(6):
        login = requests.post(f"{limited.api}/auth/login", json={"email": first.user["email"], "password": "wrong-1x"},
                              timeout=10)
        statuses.append(login.status_code)
        if login.status_code == 429:
            assert int(login.headers["Retry-After"]) >= 1
            assert_error(login, 429, "too_many_requests")
            break
        assert_error(login, 401, "unauthorized")
        assert login.headers["X-RateLimit-Limit"] == "5"
    assert statuses[-1] == 429 and set(statuses[:-1]) <= {401}


def test_malformed_json_is_400(admin: Caller, server: ServerProcess) -> None:
    for raw in (b'{"mrn": "M-1", "first_name": ', b'{"mrn": "\xff"}'):
        response = requests.post(f"{server.api}/patients", data=raw, timeout=10,
                                 headers={**admin.headers, "Content-Type": "application/json"})
        assert_error(response, 400, "validation_error")


def test_non_utf8_form_field_is_400(admin: Caller) -> None:
    patient = create_patient(admin)
    response = admin.post("/documents", data={"patient_id": patient["id"], "kind": "other", "title": b"\xff\xfe"},
                          files={"file": ("f.txt", b"text", "text/plain")})
    assert set(assert_error(response, 400, "validation_error")["details"]["fields"]) == {"title"}


def test_an_id_of_another_aggregate_kind_is_404(admin: Caller) -> None:
    doctor = invite(admin, "doctor")
    patient = create_patient(admin)
    appointment = schedule(admin, patient["id"], doctor.id, start="2027-09-01T09:00:00+00:00")
    for response in (admin.post(f"/appointments/{patient['id']}/cancel", json={"reason": "x"}),
                     admin.post(f"/appointments/{admin.user['practice_id']}/check-in"),
                     admin.patch(f"/patients/{appointment['id']}", json={"first_name": "X"}),
                     doctor.post(f"/notes/add/{patient['id']}", json={"plan": "x"})):
        assert_error(response, 404, "not_found")
