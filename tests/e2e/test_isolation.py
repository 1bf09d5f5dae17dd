"""Tenant and role isolation over real HTTP: another practice's rows and
another doctor's appointments are *not found* (404, never 403); role refusals
inside one's own practice are 403; revoked credentials are 401."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.support.api import (PASSWORD, SOAP, Caller, assert_error, create_patient, invite, register_practice,
                               schedule, upload_document, upload_recording)
from tests.support.server import ServerProcess

def login(api: str, email: str) -> Caller:
    response = requests.post(f"{api}/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    return Caller(api, data["access_token"], {"email": email}, data["refresh_token"])


@dataclass
class World:
    admin: Caller
    doctor_a: Caller
    doctor_b: Caller
    nurse: Caller
    auditor: Caller
    patient: dict[str, Any]
    appointment: dict[str, Any]
    recording: dict[str, Any]
    document: dict[str, Any]
    other_admin: Caller


@pytest.fixture(scope="module")
def world(server: ServerProcess) -> World:
    admin = register_practice(server.api, "iso")
    doctor_a, doctor_b = invite(admin, "doctor", "a"), invite(admin, "doctor", "b")
    nurse, auditor = invite(admin, "nurse"), invite(admin, "auditor")
    patient = create_patient(admin, first_name="Isolde", last_name=f"Tenant{uuid.uuid4().hex[:6]}")
    appointment = schedule(admin, patient["id"], doctor_a.id)
    recording = upload_recording(doctor_a, appointment["id"])
    note = doctor_a.post(f"/notes/add/{appointment['id']}", json=SOAP)
    assert note.status_code in (200, 201), note.text  # 200 when the ML worker's draft opened the note first
    return World(admin, doctor_a, doctor_b, nurse, auditor, patient, appointment, recording,
                 upload_document(admin, patient["id"]), register_practice(server.api, "iso-other"))


def test_other_doctor_cannot_read_or_change_the_appointment(world: World) -> None:
    appointment_id = world.appointment["id"]
    b = world.doctor_b
    for response in (b.get(f"/appointments/get/{appointment_id}"),
                     b.post(f"/appointments/{appointment_id}/cancel", json={"reason": "mine now"}),
                     b.post(f"/appointments/{appointment_id}/reschedule",
                            json={"start": "2027-05-01T09:00:00+00:00", "duration_minutes": 30}),
                     b.post(f"/appointments/{appointment_id}/check-in"),
                     b.post(f"/appointments/{appointment_id}/no-show")):
        assert_error(response, 404, "not_found")
    for query in ({}, {"doctor_id": world.doctor_a.id}):
        listed = b.get("/appointments/doctors", params=query)
        assert listed.status_code == 200 and listed.json()["data"] == []
    still = world.doctor_a.get(f"/appointments/get/{appointment_id}")
    # its recording started the visit (D42); nothing doctor b sent changed it
    assert still.status_code == 200 and still.json()["data"]["status"] == "started"


def test_other_doctor_cannot_touch_the_recordings(world: World) -> None:
    appointment_id, b = world.appointment["id"], world.doctor_b
    listed = b.get("/recordings")
    assert listed.status_code == 200 and listed.json()["data"] == []
    for response in (b.get(f"/recordings/{appointment_id}"), b.get(f"/recordings/{appointment_id}/audio"),
                     b.delete(f"/recordings/{appointment_id}"), b.get(f"/transcriptions/{appointment_id}")):
        assert_error(response, 404, "not_found")
    mine = world.doctor_a.get(f"/recordings/{appointment_id}")
    assert mine.status_code == 200 and [r["id"] for r in mine.json()["data"]] == [world.recording["id"]]
    assert world.recording["id"] in [r["id"] for r in world.doctor_a.get("/recordings").json()["data"]]


def test_other_doctor_cannot_read_write_or_sign_the_note(world: World) -> None:
    appointment_id, b = world.appointment["id"], world.doctor_b
    for response in (b.get(f"/notes/{appointment_id}"), b.post(f"/notes/add/{appointment_id}", json=SOAP),
                     b.post(f"/notes/{appointment_id}/sign")):
        assert_error(response, 404, "not_found")
    note = world.doctor_a.get(f"/notes/{appointment_id}")
    assert note.status_code == 200
    versions = note.json()["data"]["versions"]
    # Doctor A's one version, plus perhaps an AI draft from the ML worker; nothing of B's.
    assert [v["author_id"] for v in versions if v["source"] == "clinician"] == [world.doctor_a.id]
    assert note.json()["data"]["signed"] is False


def test_another_practice_sees_nothing_of_this_one(world: World) -> None:
    other = world.other_admin
    patient_id, appointment_id = world.patient["id"], world.appointment["id"]
    for path in (f"/patients/{patient_id}", f"/patients/{patient_id}/history", f"/appointments/get/{appointment_id}",
                 f"/recordings/{appointment_id}", f"/recordings/{appointment_id}/audio",
                 f"/transcriptions/{appointment_id}", f"/notes/{appointment_id}",
                 f"/documents/{world.document['id']}", f"/documents/{world.document['id']}/content",
                 f"/documents?patient_id={patient_id}"):
        assert_error(other.get(path), 404, "not_found")
    for response in (other.patch(f"/patients/{patient_id}", json={"first_name": "Hijacked"}),
                     other.post(f"/patients/{patient_id}/history", json={"kind": "allergy", "description": "x"}),
                     other.post(f"/appointments/{appointment_id}/cancel", json={"reason": "x"}),
                     other.post(f"/notes/add/{appointment_id}", json=SOAP),
                     other.post(f"/notes/{appointment_id}/sign"),
                     other.delete(f"/recordings/{appointment_id}"),
                     other.delete(f"/documents/{world.document['id']}"),
                     other.patch(f"/users/{world.doctor_a.id}", json={"active": False})):
        assert_error(response, 404, "not_found")
    # Referencing this practice's patient or doctor in a booking is a field error, not a leak.
    booking = other.post("/appointments/add", json={
        "patient_id": patient_id, "doctor_id": world.doctor_a.id, "start": "2027-06-01T09:00:00+00:00",
        "duration_minutes": 30, "type": "follow_up"})
    assert set(assert_error(booking, 400, "validation_error")["details"]) == {"field"}
    for path, params in (("/patients", {"search": world.patient["last_name"]}), ("/patients", {}),
                         ("/appointments/doctors", {}), ("/appointments/doctors", {"doctor_id": world.doctor_a.id}),
                         ("/recordings", {}), ("/users", {})):
        listed = other.get(path, params=params)
        assert listed.status_code == 200, listed.text
        ids = {row["id"] for row in listed.json()["data"]}
        assert ids.isdisjoint({patient_id, appointment_id, world.recording["id"], world.doctor_a.id,
                               world.admin.id}), path
    assert world.admin.get(f"/patients/{patient_id}").json()["data"]["first_name"] == "Isolde"


def test_nurse_cannot_write_or_sign_notes_but_registers_and_schedules(world: World) -> None:
    appointment_id, nurse = world.appointment["id"], world.nurse
    assert_error(nurse.post(f"/notes/add/{appointment_id}", json=SOAP), 403, "forbidden")
    assert_error(nurse.post(f"/notes/{appointment_id}/sign"), 403, "forbidden")
    read = nurse.get(f"/notes/{appointment_id}")
    assert read.status_code == 200 and read.json()["data"]["current"]["plan"] == "Rest."
    for scheduler in (nurse, world.admin):
        patient = create_patient(scheduler)
        assert patient["registered_by"] == scheduler.id
        for doctor, hour in ((world.doctor_a, 13), (world.doctor_b, 14)):
            start = f"2027-0{4 if scheduler is nurse else 5}-01T{hour}:00:00+00:00"
            booked = schedule(scheduler, patient["id"], doctor.id, start=start)
            assert booked["doctor_id"] == doctor.id and booked["status"] == "scheduled"
            moved = scheduler.post(f"/appointments/{booked['id']}/check-in")
            assert moved.status_code == 200 and moved.json()["data"]["status"] == "checked_in"


def test_auditor_is_refused_clinical_endpoints(world: World) -> None:
    auditor, patient_id, appointment_id = world.auditor, world.patient["id"], world.appointment["id"]
    for response in (auditor.get("/patients"), auditor.get(f"/patients/{patient_id}"),
                     auditor.post("/patients", json={"mrn": "A-1", "first_name": "A", "last_name": "B",
                                                     "date_of_birth": "1990-01-01", "sex": "male"}),
                     auditor.get("/appointments/doctors"), auditor.get(f"/appointments/get/{appointment_id}"),
                     auditor.get("/recordings"), auditor.get(f"/recordings/{appointment_id}"),
                     auditor.get(f"/notes/{appointment_id}"), auditor.post(f"/notes/add/{appointment_id}", json=SOAP),
                     auditor.get(f"/documents?patient_id={patient_id}"),
                     auditor.get(f"/documents/{world.document['id']}")):
        assert_error(response, 403, "forbidden")
    me = auditor.get("/auth/me")
    assert me.status_code == 200 and me.json()["data"]["role"] == "auditor"


def test_only_the_appointments_doctor_signs(world: World) -> None:
    patient = create_patient(world.admin)
    appointment = schedule(world.admin, patient["id"], world.doctor_a.id, start="2027-07-01T09:00:00+00:00")
    written = world.doctor_a.post(f"/notes/add/{appointment['id']}", json=SOAP)
    assert written.status_code == 201, written.text
    assert_error(world.doctor_b.post(f"/notes/{appointment['id']}/sign"), 404, "not_found")
    assert_error(world.admin.post(f"/notes/{appointment['id']}/sign"), 403, "forbidden")
    signed = world.doctor_a.post(f"/notes/{appointment['id']}/sign")
    assert signed.status_code == 200, signed.text
    current = signed.json()["data"]["current"]
    assert (current["status"], current["signed_by"]) == ("final", world.doctor_a.id)


def test_deactivated_users_token_is_refused(world: World) -> None:
    nurse = invite(world.admin, "nurse", "leaver")
    assert nurse.get("/auth/me").status_code == 200
    changed = world.admin.patch(f"/users/{nurse.id}", json={"active": False})
    assert changed.status_code == 200 and changed.json()["data"]["active"] is False
    assert_error(nurse.get("/auth/me"), 401, "token_invalid")
    assert_error(nurse.get("/patients"), 401, "token_invalid")
    refreshed = requests.post(f"{nurse.api}/auth/refresh", json={"refresh_token": nurse.refresh_token}, timeout=30)
    assert_error(refreshed, 401, "unauthorized")
    relogin = requests.post(f"{nurse.api}/auth/login", json={"email": nurse.user["email"], "password": PASSWORD},
                            timeout=30)
    assert_error(relogin, 401, "unauthorized")


def test_logout_revokes_the_access_token_and_its_refresh_family(world: World) -> None:
    session = login(world.admin.api, world.admin.user["email"])
    assert session.get("/auth/me").status_code == 200
    out = session.post("/auth/logout", json={"refresh_token": session.refresh_token})
    assert out.status_code == 204 and out.content == b""
    assert_error(session.get("/auth/me"), 401, "token_invalid")
    refreshed = requests.post(f"{session.api}/auth/refresh", json={"refresh_token": session.refresh_token},
                              timeout=30)
    assert_error(refreshed, 401, "unauthorized")
    assert world.admin.get("/auth/me").status_code == 200  # other sessions live on


def refresh(api: str, token: str | None) -> requests.Response:
    return requests.post(f"{api}/auth/refresh", json={"refresh_token": token}, timeout=30)


def test_refresh_rotates_the_token(world: World) -> None:
    session = login(world.admin.api, world.admin.user["email"])
    first = refresh(session.api, session.refresh_token)
    assert first.status_code == 200, first.text
    rotated = first.json()["data"]
    assert rotated["refresh_token"] != session.refresh_token and rotated["token_type"] == "Bearer"
    me = requests.get(f"{session.api}/auth/me", headers={"Authorization": f"Bearer {rotated['access_token']}"},
                      timeout=30)
    assert me.status_code == 200 and me.json()["data"]["id"] == world.admin.id
    second = refresh(session.api, rotated["refresh_token"])
    assert second.status_code == 200 and second.json()["data"]["refresh_token"] != rotated["refresh_token"]
    assert_error(refresh(session.api, "not-a-token"), 401, "unauthorized")


def test_refresh_reuse_is_401_and_revokes_the_family(world: World) -> None:
    session = login(world.admin.api, world.admin.user["email"])
    rotated = refresh(session.api, session.refresh_token)
    assert rotated.status_code == 200, rotated.text
    newer = rotated.json()["data"]["refresh_token"]
    reused = refresh(session.api, session.refresh_token)
    newer_after_reuse = refresh(session.api, newer)
    assert_error(reused, 401, "unauthorized")
    assert_error(newer_after_reuse, 401, "unauthorized")
