"""The visit over HTTP (issue 18 s1, D42): what a recording and a signature do to the
appointment, which uploads are accepted, and which files FHIR shows as current."""

from __future__ import annotations

import io
import os
import wave
from typing import Any

import pytest

from tests.support.api import Caller, assert_error, create_patient, invite, register_practice, schedule
from tests.support.audio import wav_bytes
from tests.support.fhir import validate
from tests.support.server import ServerProcess


@pytest.fixture(scope="module")
def clinic(server: ServerProcess) -> dict[str, Caller]:
    admin = register_practice(server.api, "visitadmin")
    return {"admin": admin, "doctor": invite(admin, "doctor")}


def _upload(doctor: Caller, appointment_id: str, audio: bytes) -> Any:
    return doctor.post(f"/recordings/{appointment_id}", files={"file": ("visit.wav", audio, "audio/wav")})


def _status(caller: Caller, appointment_id: str) -> str:
    return caller.get(f"/appointments/get/{appointment_id}").json()["data"]["status"]


def _hundred_byte_wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
        out.writeframes(os.urandom(56))  # 28 samples: 1.75 ms
    assert len(buffer.getvalue()) == 100
    return buffer.getvalue()


def test_a_100_byte_wav_is_refused_with_what_to_do(clinic: dict[str, Caller]) -> None:
    admin, doctor = clinic["admin"], clinic["doctor"]
    appointment = schedule(admin, create_patient(admin)["id"], doctor.id, start="2027-09-01T09:00:00+00:00")
    error = assert_error(_upload(doctor, appointment["id"], _hundred_byte_wav()), 400, "validation_error")
    assert "at least 1 s" in error["message"] and error["details"] == {"field": "file"}
    assert doctor.get(f"/recordings/{appointment['id']}").json()["data"] == []
    assert _status(doctor, appointment["id"]) == "scheduled"


def test_the_visit_moves_the_appointment_and_fhir_shows_only_the_current_files(
        clinic: dict[str, Caller]) -> None:
    admin, doctor = clinic["admin"], clinic["doctor"]
    patient = create_patient(admin)
    appointment_id = schedule(admin, patient["id"], doctor.id, start="2027-09-02T09:00:00+00:00")["id"]
    first = _upload(doctor, appointment_id, wav_bytes(2.0))
    assert first.status_code == 201, first.text
    assert _status(doctor, appointment_id) == "started"
    retake = _upload(doctor, appointment_id, wav_bytes(2.0))  # before signing, a re-take is welcome
    assert retake.status_code == 201, retake.text
    # 201, or 200 when the AI draft of the uploaded clip opened the note first
    assert doctor.post(f"/notes/add/{appointment_id}", json={"subjective": "Thirsty."}).status_code in (200, 201)
    assert doctor.post(f"/notes/{appointment_id}/sign").status_code == 200
    assert _status(doctor, appointment_id) == "completed"

    refused = assert_error(_upload(doctor, appointment_id, wav_bytes(2.0)), 409, "note_signed")
    assert "POST /notes/add/" in refused["message"]
    assert len(doctor.get(f"/recordings/{appointment_id}").json()["data"]) == 2

    bundle = doctor.get(f"/fhir/Patient/{patient['id']}/$everything", params={"_count": 200}).json()
    validate(bundle)
    resources = [entry["resource"] for entry in bundle["entry"]]
    visit = next(r for r in resources if r["resourceType"] == "Appointment")
    assert visit["status"] == "fulfilled"
    assert [r["status"] for r in resources if r["resourceType"] == "Composition"] == ["final"]
    old, new = (f"rec-{response.json()['data']['id']}" for response in (first, retake))
    audio = {r["id"]: r for r in resources if r["resourceType"] == "DocumentReference" and r["id"].startswith("rec-")}
    assert (audio[old]["status"], audio[new]["status"]) == ("superseded", "current")
    assert {"code": "replaces", "target": {"reference": f"DocumentReference/{old}"}} in audio[new]["relatesTo"]
    read_alone = doctor.get(f"/fhir/DocumentReference/{old}").json()
    assert read_alone["status"] == "superseded"
