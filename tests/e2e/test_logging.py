"""Structured request logs: the seed workflow against a real server process,
then its whole log file read back. One JSON line per request with the request
id, route template, method, status, duration and user id; an incoming
X-Request-ID is carried through; and no PHI anywhere in the log."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

import psycopg
import pytest
import requests

from tests.support.api import PASSWORD, Caller, create_patient, invite, register_practice, schedule
from tests.support.audio import short_clip
from tests.support.server import ServerProcess

pytestmark = pytest.mark.e2e

PHI = {"first_name": "Wilhelmina", "last_name": "Quarrington", "date_of_birth": "1957-03-29",
       "mrn": "MRN-LOG-884213", "phone": "+1-555-0147-9931", "email": "wq.logtest@example.test"}
NOTE = "Patient reports zebrafinch tinnitus since March; plan audiogram 7741."
REASON = "Follow-up for quarrington-specific dizziness"
SEARCH = "Quarrington"


def own_database(url: str) -> str:
    parsed = urlparse(url)
    name = f"medisync_logs_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()


@pytest.fixture
def logged_server(tmp_path: Path, database_url: str) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path, own_database(database_url),
                           {"MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_LOG_LEVEL": "DEBUG",
                            "MEDISYNC_ML_MAX_ATTEMPTS": "1"})
    server.start()
    yield server
    server.stop()


class Sent:
    """Counts the HTTP requests this test sends (every helper goes through Session.send)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = requests.Session.send

        def send(session: requests.Session, request: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(session, request, **kwargs)

        monkeypatch.setattr(requests.Session, "send", send)


def access_lines(text: str) -> list[dict[str, Any]]:
    lines = []
    for raw in text.splitlines():
        if raw.startswith("{"):
            record = json.loads(raw)
            if record.get("logger") == "medisync.access":
                lines.append(record)
    return lines


def test_one_json_line_per_request_and_no_phi(logged_server: ServerProcess, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    api = logged_server.api
    before = len(access_lines(logged_server.log_text()))
    sent = Sent(monkeypatch)

    admin = register_practice(api)
    doctor_invited = invite(admin, "doctor")
    login = requests.post(f"{api}/auth/login", json={"email": doctor_invited.user["email"], "password": PASSWORD},
                          timeout=30)
    assert login.status_code == 200
    doctor = Caller(api, login.json()["data"]["access_token"], doctor_invited.user)
    patient = create_patient(admin, **PHI)
    appointment = schedule(admin, patient["id"], doctor.id)
    second = admin.post("/appointments/add", json={
        "patient_id": patient["id"], "doctor_id": doctor.id, "start": "2027-02-01T09:00:00+00:00",
        "duration_minutes": 20, "type": "follow_up", "reason": REASON})
    assert second.status_code == 201, second.text
    assert admin.patch(f"/patients/{patient['id']}", json={"phone": "+1-555-0147-0000"}).status_code == 200
    with open(short_clip(tmp_path / "visit.wav"), "rb") as audio:
        assert doctor.post(f"/recordings/{appointment['id']}", files={"file": ("visit.wav", audio)}).status_code == 201
    # 201, or 200 when the AI draft of the uploaded clip opened the note first
    assert doctor.post(f"/notes/add/{appointment['id']}", json={"subjective": NOTE}).status_code in (200, 201)
    assert doctor.post(f"/notes/{appointment['id']}/sign").status_code == 200
    assert doctor.post(f"/notes/add/{appointment['id']}", json={"plan": NOTE + " Amended."}).status_code == 200
    # the signed visit is completed (D42); reschedule the follow-up instead
    assert admin.post(f"/appointments/{second.json()['data']['id']}/reschedule",
                      json={"start": "2027-01-05T10:00:00+00:00", "duration_minutes": 30}).status_code == 200
    searched = admin.get("/patients", params={"search": SEARCH})
    assert searched.status_code == 200
    chosen = "client-chosen-id-0042"
    echoed = admin.get(f"/patients/{patient['id']}", headers={"X-Request-ID": chosen})
    assert echoed.headers["X-Request-ID"] == chosen
    assert admin.get(f"/appointments/get/{appointment['id']}").status_code == 200
    assert doctor.get("/appointments/doctors").status_code == 200
    assert requests.get(f"{api}/patients", timeout=10).status_code == 401
    assert admin.get("/no-such-route").status_code == 404
    assert requests.get(f"{logged_server.base}/metrics", timeout=10).status_code == 200
    requests_sent = sent.count

    logged_server.stop()  # flush everything, including the ML worker's lines
    text = logged_server.log_text()
    lines = access_lines(text)[before:]

    assert len(lines) == requests_sent
    for line in lines:
        assert set(line) >= {"ts", "level", "request_id", "method", "route", "status", "duration_ms", "user_id"}
        assert isinstance(line["status"], int) and line["duration_ms"] >= 0
        assert "?" not in line["route"] and patient["id"] not in line["route"]
    by_request = {line["request_id"]: line for line in lines}
    mine = by_request[chosen]
    assert mine["route"] == "/api/v1/patients/{patient_id}" and mine["method"] == "GET"
    assert mine["status"] == 200 and mine["user_id"] == admin.id
    statuses = {(line["route"], line["status"]) for line in lines}
    assert ("/api/v1/patients", 401) in statuses and ("<unmatched>", 404) in statuses
    assert ("/api/v1/appointments/add", 201) in statuses and ("/metrics", 200) in statuses
    assert all(line["user_id"] is None for line in lines if line["status"] == 401)

    # Every line of the log — request lines, the ML worker's, anything — is free of PHI.
    for secret in [*PHI.values(), "+1-555-0147-0000", NOTE, "zebrafinch", REASON, "Wilhelmina"]:
        assert secret.lower() not in text.lower(), f"PHI in the log: {secret!r}"
