"""The seed's basic workflow over real HTTP against a running server:
register and log in, create a patient, schedule, upload a recording, write a
note, read everything back, sign, amend — and a restart loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.support.api import (PASSWORD, Caller, assert_error, create_patient, invite, register_practice, schedule,
                               wait_for)
from tests.support.audio import OPENING_S
from tests.support.server import ServerProcess


def _login(api: str, email: str) -> Caller:
    response = requests.post(f"{api}/auth/login", json={"email": email, "password": PASSWORD}, timeout=30)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["token_type"] == "Bearer" and data["expires_in"] > 0
    me = requests.get(f"{api}/auth/me", headers={"Authorization": f"Bearer {data['access_token']}"}, timeout=30)
    return Caller(api, data["access_token"], me.json()["data"], data["refresh_token"])


def test_basic_workflow_then_restart(server: ServerProcess, dialogue_wav: Path) -> None:
    api = server.api
    admin = register_practice(api)
    doctor = _login(api, invite(admin, "doctor").user["email"])
    assert doctor.user["role"] == "doctor"

    patient = create_patient(admin, first_name="Rosa", last_name="Delgado")
    appointment = schedule(admin, patient["id"], doctor.id)
    assert appointment["status"] == "scheduled" and appointment["doctor_id"] == doctor.id

    with open(dialogue_wav, "rb") as audio:
        uploaded = doctor.post(f"/recordings/{appointment['id']}", files={"file": ("visit.wav", audio, "audio/wav")})
    assert uploaded.status_code == 201, uploaded.text
    recording = uploaded.json()["data"]
    assert recording["appointment_id"] == appointment["id"]
    assert recording["duration_s"] == pytest.approx(OPENING_S, abs=0.1)

    sections = {"subjective": "Thirsty for two weeks.", "objective": "BP 138/86.",
                "assessment": "Type 2 diabetes, uncontrolled.", "plan": "Increase metformin."}
    first = doctor.post(f"/notes/add/{appointment['id']}", json=sections)
    assert first.status_code == 201, first.text
    again = doctor.post(f"/notes/add/{appointment['id']}", json={**sections, "plan": "Increase metformin to 1000 mg."})
    assert again.status_code == 200 and again.json()["data"]["current"]["version"] == 2

    snapshot = _read_everything(doctor, patient["id"], appointment["id"])
    assert snapshot["patient"]["last_name"] == "Delgado"
    assert snapshot["appointment"]["reason"] == "diabetes follow-up"
    assert [r["id"] for r in snapshot["recordings"]] == [recording["id"]]
    assert snapshot["note"]["current"]["plan"] == "Increase metformin to 1000 mg."

    audio_bytes = doctor.get(f"/recordings/{appointment['id']}/audio")
    assert audio_bytes.status_code == 200 and audio_bytes.content == dialogue_wav.read_bytes()

    signed = doctor.post(f"/notes/{appointment['id']}/sign")
    assert signed.status_code == 200 and signed.json()["data"]["current"]["status"] == "final"
    amended = doctor.post(f"/notes/add/{appointment['id']}", json={**sections, "plan": "Add HbA1c in 3 months."})
    note = amended.json()["data"]
    assert amended.status_code == 200 and note["current"]["status"] == "amended"
    assert [v["status"] for v in note["versions"]] == ["preliminary", "final", "amended"]

    # The upload set the ML worker going; its AI draft lands as one more
    # version whenever transcription finishes. Let it land first, so that the
    # snapshot is of a settled record and any difference is the restart's.
    wait_for(doctor, f"/notes/{appointment['id']}", lambda d: any(v["source"] == "ai" for v in d["versions"]))
    before = _read_everything(doctor, patient["id"], appointment["id"])
    assert before["note"]["current"]["plan"] == "Add HbA1c in 3 months."
    server.restart()
    after = _read_everything(doctor, patient["id"], appointment["id"])
    assert after == before


def _read_everything(caller: Caller, patient_id: str, appointment_id: str) -> dict[str, object]:
    def data(path: str) -> object:
        response = caller.get(path)
        assert response.status_code == 200, (path, response.text)
        return response.json()["data"]

    return {"patient": data(f"/patients/{patient_id}"),
            "appointment": data(f"/appointments/get/{appointment_id}"),
            "appointments": data("/appointments/doctors"),
            "recordings": data(f"/recordings/{appointment_id}"),
            "note": data(f"/notes/{appointment_id}")}


def test_health_openapi_and_swagger_are_served(server: ServerProcess) -> None:
    health = requests.get(f"{server.api}/health", timeout=10)
    assert health.status_code == 200 and health.json()["data"]["database"] == "ok"
    spec = requests.get(f"{server.api}/openapi.json", timeout=10).json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/appointments/add" in spec["paths"] and "/api/v1/notes/{appointment_id}/sign" in spec["paths"]
    assert requests.get(f"{server.base}/api/docs", timeout=10).status_code == 200


def test_unknown_route_and_bad_token_use_the_error_envelope(server: ServerProcess) -> None:
    missing = requests.get(f"{server.api}/no-such-thing", timeout=10)
    assert_error(missing, 404)
    anonymous = requests.get(f"{server.api}/patients", timeout=10)
    assert_error(anonymous, 401, "unauthorized")
