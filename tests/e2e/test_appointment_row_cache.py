"""The appointment row cache over real HTTP on the embedded default (D78): a second read of one
appointment is answered from memory (the hit counter of /metrics), a change is read back at once,
with and without its consistency token, an erased patient's visit is 404 however often it was read,
and every read, hit or not, is still checked (another practice: 404) and written to the PHI access
log. Two API processes with the projections elsewhere: tests/integration/test_appointment_row_cache.py."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import requests

from tests.support.api import Caller, assert_error, create_patient, invite, register_practice, schedule
from tests.support.server import ServerProcess, read_from_cache

TOKEN = "X-Consistency-Token"


def booked(api: str, label: str) -> tuple[Caller, Caller, dict[str, Any], dict[str, Any]]:
    admin = register_practice(api, label)
    doctor = invite(admin, "doctor", label)
    patient = create_patient(admin)
    return admin, doctor, patient, schedule(admin, patient["id"], doctor.id)


def read(caller: Caller, appointment_id: str, token: str | None = None, request_id: str = "") -> requests.Response:
    headers = {**({TOKEN: token} if token else {}), **({"X-Request-ID": request_id} if request_id else {})}
    return caller.get(f"/appointments/get/{appointment_id}", headers=headers)


def test_a_second_read_is_a_hit_and_a_change_is_read_back_at_once(server: ServerProcess) -> None:
    admin, doctor, _patient, appointment = booked(server.api, "row-cache-change")
    first = read(doctor, appointment["id"])
    assert first.status_code == 200, first.text
    again = read_from_cache(server, lambda: read(doctor, appointment["id"]))  # answered from memory
    assert again.status_code == 200 and again.content == first.content
    moved = admin.post(f"/appointments/{appointment['id']}/reschedule",
                       json={"start": "2027-01-05T10:00:00+00:00", "duration_minutes": 45})
    assert moved.status_code == 200, moved.text
    for token in (None, moved.headers[TOKEN]):
        now = read(doctor, appointment["id"], token).json()["data"]
        assert (now["start"], now["duration_minutes"], now["status"]) == ("2027-01-05T10:00:00+00:00", 45,
                                                                           "rescheduled")
        assert now["version"] == moved.json()["data"]["version"]
    read(doctor, appointment["id"])  # cached in its new state
    cancelled = admin.post(f"/appointments/{appointment['id']}/cancel", json={"reason": "patient asked"})
    assert cancelled.status_code == 200, cancelled.text
    answer = read(doctor, appointment["id"])
    assert answer.json()["data"]["status"] == "cancelled"
    assert answer.headers["ETag"] == cancelled.headers["ETag"]


def test_an_erased_patients_visit_is_not_served_from_the_cache(server: ServerProcess) -> None:
    admin, doctor, patient, appointment = booked(server.api, "row-cache-erase")
    for _ in range(3):
        assert read(doctor, appointment["id"]).status_code == 200
    erased = admin.delete(f"/patients/{patient['id']}", params={"erase": "true", "reason": "GDPR ticket 78"})
    assert erased.status_code == 204, erased.text
    assert_error(read(doctor, appointment["id"]), 404)
    assert_error(read(admin, appointment["id"], erased.headers[TOKEN]), 404)


def test_a_cached_row_is_still_checked_and_logged_on_every_read(server: ServerProcess) -> None:
    admin, doctor, _patient, appointment = booked(server.api, "row-cache-checks")
    other = invite(register_practice(server.api, "row-cache-other"), "doctor", "other")
    colleague = invite(admin, "doctor", "colleague")  # same practice, not their visit
    request_ids = [f"row-cache-{uuid.uuid4().hex}" for _ in range(3)]
    for request_id in request_ids:
        assert read(doctor, appointment["id"], request_id=request_id).status_code == 200
        with psycopg.connect(server.env["MEDISYNC_DATABASE_URL"]) as conn:  # committed before the answer (D32)
            logged = conn.execute("SELECT resource_id, user_id FROM audit.access_log WHERE request_id = %s",
                                  (request_id,)).fetchall()
        assert logged == [(appointment["id"], doctor.id)]
    assert_error(read(other, appointment["id"]), 404)
    assert_error(read(colleague, appointment["id"]), 404)
