"""The ML worker drafts into the doctor's default template, and a regeneration into a
practice template records which template version drafted it (issue 17, D46, D47).

One real upload of a dev dialogue through the real speech pipeline and the
extractive generator, over HTTP."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.support.api import Caller, create_patient, invite, register_practice, schedule, wait_for
from tests.support.server import ServerProcess

pytestmark = pytest.mark.ml
DIALOGUE = "dev-07-hypertension"
SECTIONS = [{"title": "Reason for visit"}, {"title": "History"}, {"title": "Examination"},
            {"title": "Impression"}, {"title": "Plan"},
            {"title": "Immunizations", "guidance": "vaccines and boosters"}]


def _data(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text[:500]
    return response.json()["data"]


@pytest.fixture(scope="module")
def visit(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    admin = register_practice(server.api, "tplml")
    doctor = invite(admin, "doctor")
    template = _data(admin.post("/notes/templates", json={"name": "Hypertension clinic", "specialty": "cardiology",
                                                          "loinc_code": "11488-4", "sections": SECTIONS}), 201)
    chosen = doctor.request("PUT", "/notes/templates/defaults", json={"template": template["id"]})
    assert chosen.status_code == 200, chosen.text
    patient = create_patient(admin)
    appointment = schedule(admin, patient["id"], doctor.id, start="2027-10-04T09:00:00+00:00")
    audio = tmp_path_factory.mktemp("tplml") / "visit.wav"
    shutil.copy(FIXTURES / f"{DIALOGUE}.wav", audio)
    with open(audio, "rb") as handle:
        assert doctor.post(f"/recordings/{appointment['id']}", files={"file": ("visit.wav", handle)}).status_code == 201
    return {"admin": admin, "doctor": doctor, "appointment": appointment, "template": template}


def _draft(doctor: Caller, appointment_id: str) -> dict[str, Any]:
    return wait_for(doctor, f"/notes/{appointment_id}", lambda d: d["current"] is not None, 600)["current"]


def test_the_worker_drafts_into_the_doctors_default_template(visit: dict[str, Any]) -> None:
    template = visit["template"]
    draft = _draft(visit["doctor"], visit["appointment"]["id"])
    assert draft["source"] == "ai" and draft["template"] == template["id"]
    assert (draft["provenance"]["template"], draft["provenance"]["template_version"]) == (template["id"], 1)
    assert [s["key"] for s in draft["sections"]] == [s["key"] for s in template["sections"]]
    plan = next(s for s in draft["sections"] if s["key"] == "plan")
    assert plan["text"] and plan["status"] != "empty"
    vaccines = next(s for s in draft["sections"] if s["key"] == "immunizations")
    assert (vaccines["text"], vaccines["status"]) == ("", "empty")  # not discussed: empty, and marked so


def test_a_regeneration_records_the_template_version(visit: dict[str, Any]) -> None:
    admin, doctor, template = visit["admin"], visit["doctor"], visit["template"]
    appointment_id = visit["appointment"]["id"]
    _draft(doctor, appointment_id)
    revised = _data(admin.patch(f"/notes/templates/{template['id']}",
                                json={"sections": [*SECTIONS[:5], {"title": "Follow-up"}]}))
    assert revised["template_version"] == 2
    note = _data(doctor.post(f"/notes/{appointment_id}/generate", json={"template": template["id"]}))
    current = note["current"]
    assert (current["template"], current["provenance"]["template_version"]) == (template["id"], 2)
    assert [s["key"] for s in current["sections"]][-1] == "follow_up"
    first = note["versions"][0]
    assert first["provenance"]["template_version"] == 1  # the earlier draft keeps naming version 1


def test_a_builtin_specialty_template_drafts_its_sections_in_order(visit: dict[str, Any]) -> None:
    doctor = visit["doctor"]
    appointment_id = visit["appointment"]["id"]
    _draft(doctor, appointment_id)
    note = _data(doctor.post(f"/notes/{appointment_id}/generate", json={"template": "psychiatry"}))
    keys = [s["key"] for s in note["current"]["sections"]]
    builtin = _data(doctor.get("/notes/templates/psychiatry"))
    assert keys == [s["key"] for s in builtin["sections"]]
    assert "mental_status_examination" in keys and "risk_assessment" in keys
    assert note["current"]["provenance"]["template_version"] is None  # built-ins: versioned with the generator
