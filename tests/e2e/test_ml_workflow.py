"""The ML pipeline end to end over real HTTP: upload a dev dialogue, get a
speaker-attributed transcript from the real faster-whisper model, get an AI
draft note whose insights hold the dialogue's expected facts; a clinician
edits and signs it, and a later regeneration leaves the signed version alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.support.api import assert_error, create_patient, invite, register_practice, schedule, wait_for
from tests.support.server import ServerProcess

pytestmark = pytest.mark.ml
DIALOGUE = "dev-07-hypertension"


_wait = wait_for


@pytest.fixture(scope="module")
def visit(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    admin = register_practice(server.api)
    doctor = invite(admin, "doctor")
    patient = create_patient(admin)
    appointment = schedule(admin, patient["id"], doctor.id, start="2027-05-03T09:00:00+00:00")
    audio = tmp_path_factory.mktemp("ml") / "visit.wav"
    shutil.copy(FIXTURES / f"{DIALOGUE}.wav", audio)
    with open(audio, "rb") as handle:
        assert doctor.post(f"/recordings/{appointment['id']}", files={"file": ("visit.wav", handle)}).status_code == 201
    truth = json.loads((FIXTURES / f"{DIALOGUE}.truth.json").read_text())
    return {"admin": admin, "doctor": doctor, "appointment": appointment, "truth": truth}


def test_transcript_has_both_speakers_with_their_roles(visit: dict[str, Any]) -> None:
    doctor, appointment = visit["doctor"], visit["appointment"]
    transcript = _wait(doctor, f"/transcriptions/{appointment['id']}", lambda d: d["status"] == "completed")
    speakers = {s["speaker"] for s in transcript["segments"]}
    assert len(speakers) == 2
    assert {s["role"] for s in transcript["segments"]} == {"clinician", "patient"}
    assert transcript["model"]["name"] and transcript["metrics"]["rtf"] > 0
    first = transcript["segments"][0]
    assert first["role"] == "clinician" and first["words"] and {"start", "end", "word", "probability"} <= set(first["words"][0])
    for turn in visit["truth"]["turns"]:
        middle = (turn["start"] + turn["end"]) / 2
        covering = [s for s in transcript["segments"] if s["start"] <= middle <= s["end"]]
        assert covering and covering[0]["role"] == turn["role"], (turn["text"][:60], covering)


def test_ai_draft_holds_the_expected_facts(visit: dict[str, Any]) -> None:
    doctor, appointment, expected = visit["doctor"], visit["appointment"], visit["truth"]["expected"]
    note = _wait(doctor, f"/notes/{appointment['id']}", lambda d: d["current"] is not None, timeout=120)
    current = note["current"]
    assert current["source"] == "ai" and current["status"] == "preliminary"
    assert current["provenance"]["generator"] == "extractive" and current["provenance"]["transcript_version"]
    insights = current["insights"]
    assert insights["vitals"]["bp_systolic"] == expected["vitals"]["bp_systolic"]
    assert insights["vitals"]["bp_diastolic"] == expected["vitals"]["bp_diastolic"]
    # A drug is a medication only when it was clearly heard; a misheard one ("list in uproll")
    # must be in needs_review, never in the plan (D36). Which candidates the fuzzy matcher offers
    # depends on how this run's decoding misheard the name ("list in uproll" offers lisinopril,
    # "list in uproar" does not: base int8 decodes differently from run to run on this machine),
    # so the test holds that an item is there, not which names it lists.
    found_meds = {(m["name"].lower(), m["dose"]) for m in insights["medications"]}
    review_items = [item for item in insights["needs_review"] if item["kind"] == "medication"]
    reviewed = {c["name"].lower() for item in review_items for c in item["candidates"]}
    for medication in expected["medications"]:
        assert (medication["name"], medication["dose"]) in found_meds or review_items, insights
    assert {m["name"].lower() for m in insights["medications"]} <= {m["name"] for m in expected["medications"]}
    unclear = reviewed - {m["name"].lower() for m in insights["medications"]}
    assert not any(name in current["plan"].lower() for name in unclear), (unclear, current["plan"])
    assert {(d["icd10"]) for d in expected["diagnoses"]} <= {d["icd10"] for d in insights["diagnoses"]}
    assert all(current[section] for section in ("subjective", "objective", "assessment", "plan"))


def test_signed_note_survives_regeneration(visit: dict[str, Any]) -> None:
    doctor, appointment = visit["doctor"], visit["appointment"]
    _wait(doctor, f"/notes/{appointment['id']}", lambda d: d["current"] is not None, timeout=120)
    edited = doctor.post(f"/notes/add/{appointment['id']}", json={
        "subjective": "Home readings high; occasional headache.", "objective": "BP 148/94, HR 80.",
        "assessment": "Essential hypertension, not at goal.", "plan": "Lisinopril 20 mg daily; BMP; 4 weeks."})
    assert edited.status_code == 200 and edited.json()["data"]["current"]["source"] == "clinician"
    signed = doctor.post(f"/notes/{appointment['id']}/sign").json()["data"]
    assert signed["current"]["status"] == "final"
    regenerated = doctor.post(f"/notes/{appointment['id']}/generate", json={"generator": "extractive"})
    assert regenerated.status_code == 200, regenerated.text
    after = regenerated.json()["data"]
    assert after["current"] == signed["current"]
    assert len(after["versions"]) == len(signed["versions"]) + 1
    assert after["versions"][-1]["source"] == "ai" and after["versions"][-1]["status"] == "preliminary"


def test_llm_generator_is_premium_only(visit: dict[str, Any]) -> None:
    refused = visit["doctor"].post(f"/notes/{visit['appointment']['id']}/generate", json={"generator": "llm"})
    error = assert_error(refused, 403, "forbidden")
    assert "subscription required" in error["message"]


def test_premium_doctor_regenerates_with_the_llm(visit: dict[str, Any]) -> None:
    admin, appointment = visit["admin"], visit["appointment"]
    doctor = visit["doctor"]
    _wait(doctor, f"/transcriptions/{appointment['id']}", lambda d: d["status"] == "completed")
    assert admin.patch(f"/users/{doctor.id}", json={"tier": "premium"}).status_code == 200
    drafted = doctor.post(f"/notes/{appointment['id']}/generate", json={"generator": "llm"})
    assert drafted.status_code == 200, drafted.text
    newest = drafted.json()["data"]["versions"][-1]
    assert newest["source"] == "ai" and newest["provenance"]["generator"] == "llm"
    assert newest["plan"] == "Increase lisinopril to 20 mg."
    assert admin.patch(f"/users/{doctor.id}", json={"tier": "standard"}).status_code == 200


def test_silent_audio_completes_with_an_empty_transcript(visit: dict[str, Any], tmp_path: Path) -> None:
    import wave

    silent = tmp_path / "silence.wav"
    with wave.open(str(silent), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
        out.writeframes(b"\x00\x00" * 16000 * 3)
    admin, doctor = visit["admin"], visit["doctor"]
    patient = create_patient(admin)
    appointment = schedule(admin, patient["id"], doctor.id, start="2027-05-04T09:00:00+00:00")
    with open(silent, "rb") as handle:
        assert doctor.post(f"/recordings/{appointment['id']}", files={"file": ("s.wav", handle)}).status_code == 201
    transcript = _wait(doctor, f"/transcriptions/{appointment['id']}", lambda d: d["status"] == "completed")
    assert transcript["segments"] == [] and transcript["text"] == ""
    note = _wait(doctor, f"/notes/{appointment['id']}", lambda d: d["current"] is not None, timeout=60)
    assert "not enough" in note["current"]["subjective"].lower()


HP_KEYS = ["chief_complaint", "history_of_present_illness", "review_of_systems", "physical_examination",
           "results", "assessment_and_plan"]


def test_regenerated_hp_draft_has_template_sections_with_provenance(visit: dict[str, Any]) -> None:
    doctor, appointment = visit["doctor"], visit["appointment"]
    transcript = _wait(doctor, f"/transcriptions/{appointment['id']}", lambda d: d["status"] == "completed")
    drafted = doctor.post(f"/notes/{appointment['id']}/generate", json={"template": "hp"})
    assert drafted.status_code == 200, drafted.text
    version = drafted.json()["data"]["versions"][-1]
    assert version["source"] == "ai" and version["template"] == "hp"
    assert [s["key"] for s in version["sections"]] == HP_KEYS
    lines = [line for s in version["sections"] for line in s["lines"]]
    assert lines and all(line["segment_ids"] for line in lines if line["origin"] == "transcript")
    assert all(0 <= i < len(transcript["segments"]) for line in lines for i in line["segment_ids"])
    refused = doctor.post(f"/notes/{appointment['id']}/generate", json={"template": "limerick"})
    assert_error(refused, 400)
