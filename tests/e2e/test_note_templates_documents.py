"""Issue 17 over real HTTP and Postgres: practice note templates (versions kept, other
practices never see them, defaults per practice and doctor), and the documents drawn
from a note: the patient summary and letters, their events, and their FHIR export.

AI drafts are appended by the real ``NoteService.record_generated`` (the call the ML
worker makes) from this process, on the server's database, so the note holds known
facts; everything else goes through the running server. The ML worker's use of the
default template is in ``test_note_templates_ml.py``.
"""

from __future__ import annotations

import json
from typing import Any, Iterator
from uuid import UUID

import pytest

from medisync.application.integration_events import to_envelope
from medisync.domain.actor import system_actor
from medisync.interface.bootstrap import Container
from tests.support.api import (Caller, assert_error, create_patient, invite, register_practice, schedule,
                               wait_for)
from tests.support.container import services_on
from tests.support.fhir import validate
from tests.support.server import ServerProcess

FACTS = {
    "chief_complaint": "blood pressure follow-up", "symptoms": [],
    "vitals": {"bp_systolic": 152, "bp_diastolic": 94, "heart_rate": 78, "temperature_c": None,
               "spo2": None, "respiratory_rate": None, "weight_kg": None},
    "medications": [{"name": "lisinopril", "dose": "10 mg", "frequency": "once daily", "status": "new"},
                    {"name": "metformin", "dose": "500 mg", "frequency": "twice daily", "status": "active"}],
    "allergies": [{"substance": "penicillin", "reaction": "rash"}],
    "diagnoses": [{"name": "essential hypertension", "icd10": "I10"}],
    "orders": [{"kind": "lab", "name": "basic metabolic panel"}], "follow_up": "4 weeks",
}
DRAFT = {"subjective": "The patient reports headaches in the morning for 2 weeks.",
         "objective": "Blood pressure 152/94. Heart rate 78.",
         "assessment": "Essential hypertension, not controlled.",
         "plan": "Start lisinopril 10 mg once daily. Call us right away if you get chest pain or "
                 "a very bad headache. Basic metabolic panel in 2 weeks.",
         "insights": FACTS, "provenance": {"generator": "extractive", "generator_version": "test"}}
SECTIONS = [{"title": "Reason for visit"}, {"title": "Interval history", "guidance": "since the last visit"},
            {"title": "Examination"}, {"title": "Impression"}, {"title": "Plan"},
            {"title": "Return to work", "guidance": "work restrictions and duties"}]


@pytest.fixture(scope="module")
def store(server: ServerProcess, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """The application services on the server's database (same master key, own JWT key)."""
    with services_on(database_url, tmp_path_factory.mktemp("templates-store")) as built:
        yield built


@pytest.fixture(scope="module")
def clinic(server: ServerProcess) -> dict[str, Caller]:
    admin = register_practice(server.api, "tpladmin")
    return {"admin": admin, "doctor": invite(admin, "doctor"), "nurse": invite(admin, "nurse"),
            "auditor": invite(admin, "auditor")}


@pytest.fixture(scope="module")
def other(server: ServerProcess) -> dict[str, Caller]:
    admin = register_practice(server.api, "otheradmin")
    return {"admin": admin, "doctor": invite(admin, "doctor")}


def _data(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text[:500]
    return response.json()["data"]


def choose(caller: Caller, **kwargs: Any) -> Any:
    return caller.request("PUT", "/notes/templates/defaults", **kwargs)


def define(admin: Caller, **overrides: Any) -> dict[str, Any]:
    body = {"name": "Occupational health visit", "specialty": "occupational medicine",
            "loinc_code": "11488-4", "sections": SECTIONS, **overrides}
    return _data(admin.post("/notes/templates", json=body), 201)


def drafted_visit(store: Container, clinic: dict[str, Caller], day: int,
                  template: str | None = None) -> tuple[str, str]:
    patient = create_patient(clinic["admin"], first_name="Ines", last_name="Okafor")
    appointment = schedule(clinic["admin"], patient["id"], clinic["doctor"].id, start=f"2027-09-{day:02d}T09:00:00+00:00")
    draft = {**DRAFT, "template": template} if template else DRAFT
    store.notes.record_generated(appointment["id"], draft, system_actor(clinic["admin"].user["practice_id"]),
                                 transcript_version=None)
    wait_for(clinic["doctor"], f"/notes/{appointment['id']}", lambda d: d["current"] is not None, 60)
    return patient["id"], appointment["id"]


def everything(caller: Caller, patient_id: str) -> list[dict[str, Any]]:
    response = caller.get(f"/fhir/Patient/{patient_id}/$everything", params={"_count": 200})
    assert response.status_code == 200, response.text[:500]
    bundle = response.json()
    validate(bundle)
    return [entry["resource"] for entry in bundle["entry"]]


# Templates ----------------------------------------------------------------------
def test_the_list_has_every_builtin_and_the_practices_own(clinic: dict[str, Caller]) -> None:
    created = define(clinic["admin"])
    assert created["id"] and created["builtin"] is False and created["template_version"] == 1
    assert [s["key"] for s in created["sections"]][:2] == ["reason_for_visit", "interval_history"]
    listed = _data(clinic["nurse"].get("/notes/templates"))
    ids = [t["id"] for t in listed]
    assert ids[:6] == ["soap", "hp", "psychiatry", "pediatrics", "musculoskeletal", "cardiology"]
    assert created["id"] in ids
    psychiatry = next(t for t in listed if t["id"] == "psychiatry")
    titles = [s["title"].lower() for s in psychiatry["sections"]]
    assert "mental status examination" in titles and "risk assessment" in titles
    assert all({"id", "name", "specialty", "sections", "loinc_code"} <= set(t) for t in listed)


def test_only_an_admin_changes_templates(clinic: dict[str, Caller]) -> None:
    body = {"name": "Mine", "sections": [{"title": "Plan"}]}
    assert_error(clinic["doctor"].post("/notes/templates", json=body), 403, "forbidden")
    created = define(clinic["admin"])
    assert_error(clinic["doctor"].patch(f"/notes/templates/{created['id']}", json={"name": "x"}), 403)
    assert_error(clinic["nurse"].delete(f"/notes/templates/{created['id']}"), 403)
    assert_error(clinic["admin"].post("/notes/templates", json={"name": "Empty", "sections": []}), 400)
    duplicate = {"name": "Twice", "sections": [{"title": "Plan", "key": "plan"}, {"title": "Next", "key": "plan"}]}
    assert_error(clinic["admin"].post("/notes/templates", json=duplicate), 400)
    same_titles = define(clinic["admin"], sections=[{"title": "Plan"}, {"title": "plan"}])
    assert [s["key"] for s in same_titles["sections"]] == ["plan", "plan_2"]


def test_a_change_is_a_new_version_and_every_version_is_kept(clinic: dict[str, Caller]) -> None:
    admin = clinic["admin"]
    created = define(admin)
    changed = _data(admin.patch(f"/notes/templates/{created['id']}",
                                json={"sections": [*SECTIONS, {"title": "Patient instructions"}]}))
    assert changed["template_version"] == 2 and changed["sections"][-1]["key"] == "patient_instructions"
    assert [v["template_version"] for v in changed["versions"]] == [1, 2]
    assert len(changed["versions"][0]["sections"]) == len(SECTIONS)
    same = _data(admin.patch(f"/notes/templates/{created['id']}", json={"name": created["name"]}))
    assert same["template_version"] == 2  # nothing changed, no new version
    assert admin.delete(f"/notes/templates/{created['id']}").status_code == 204
    assert created["id"] not in [t["id"] for t in _data(admin.get("/notes/templates"))]
    assert_error(admin.get(f"/notes/templates/{created['id']}"), 404)
    assert_error(admin.delete(f"/notes/templates/{created['id']}"), 404)


def test_another_practice_never_sees_a_template(store: Container, clinic: dict[str, Caller],
                                                other: dict[str, Caller]) -> None:
    created = define(clinic["admin"])
    assert created["id"] not in [t["id"] for t in _data(other["admin"].get("/notes/templates"))]
    assert_error(other["admin"].get(f"/notes/templates/{created['id']}"), 404)
    assert_error(other["admin"].patch(f"/notes/templates/{created['id']}", json={"name": "Stolen"}), 404)
    assert_error(other["admin"].delete(f"/notes/templates/{created['id']}"), 404)
    assert_error(choose(other["admin"], json={"template": created["id"]}), 404)
    patient = create_patient(other["admin"])
    appointment = schedule(other["admin"], patient["id"], other["doctor"].id, start="2027-09-20T09:00:00+00:00")
    assert_error(other["doctor"].post(f"/notes/{appointment['id']}/generate", json={"template": created["id"]}), 404)
    assert _data(clinic["admin"].get(f"/notes/templates/{created['id']}"))["name"] == created["name"]


def test_defaults_per_practice_and_per_doctor(store: Container, clinic: dict[str, Caller]) -> None:
    admin, doctor = clinic["admin"], clinic["doctor"]
    practice_id = admin.user["practice_id"]
    created = define(admin)
    assert _data(choose(admin, json={"template": "hp"}))["practice"] == "hp"
    assert store.note_templates.default_for(practice_id, doctor.id).id == "hp"
    mine = _data(choose(doctor, json={"template": created["id"]}))
    assert mine["doctors"] == {doctor.id: created["id"]}
    choice = store.note_templates.default_for(practice_id, doctor.id)
    assert (choice.id, choice.version) == (created["id"], 1)
    assert_error(choose(doctor, json={"template": "soap", "doctor_id": admin.id}), 404)
    assert admin.delete(f"/notes/templates/{created['id']}").status_code == 204
    assert store.note_templates.default_for(practice_id, doctor.id).id == "hp"  # a deleted one is skipped
    cleared = _data(choose(admin, json={"template": None}))
    assert cleared["practice"] is None
    assert_error(choose(admin, json={"template": "limerick"}), 400)
    _data(choose(doctor, json={"template": None}))
    assert store.note_templates.default_for(practice_id, doctor.id).id == "soap"


def test_the_composition_carries_its_templates_type(store: Container, clinic: dict[str, Caller]) -> None:
    created = define(clinic["admin"], loinc_code="34133-9")
    patient_id, appointment_id = drafted_visit(store, clinic, 3, template=created["id"])
    _, cardiology_visit = drafted_visit(store, clinic, 4, template="cardiology")
    resources = everything(clinic["doctor"], patient_id)
    composition = next(r for r in resources if r["resourceType"] == "Composition")
    assert composition["type"]["coding"][0]["code"] == "34133-9"
    assert composition["type"]["text"] == created["name"] == composition["title"]
    note = _data(clinic["doctor"].get(f"/notes/{cardiology_visit}"))
    read = clinic["doctor"].get(f"/fhir/Composition/{_note_id(store, cardiology_visit)}")
    assert read.status_code == 200 and note["current"]["template"] == "cardiology"
    assert read.json()["type"]["coding"][0]["code"] == "11488-4"


def _note_id(store: Container, appointment_id: str) -> str:
    return str(store.reads.get_note(appointment_id)["id"])


# Documents drawn from the note ------------------------------------------------------
def test_a_patient_summary_is_plain_and_names_the_medicines(store: Container, clinic: dict[str, Caller]) -> None:
    doctor = clinic["doctor"]
    _, appointment_id = drafted_visit(store, clinic, 10)
    summary = _data(doctor.post(f"/notes/{appointment_id}/patient-summary"), 201)
    assert {"id", "text", "reading_grade"} <= set(summary)
    assert summary["reading_grade"] <= 8
    assert "lisinopril" in summary["text"] and "metformin" in summary["text"]
    assert "I10" not in summary["text"] and " PO" not in summary["text"]
    assert summary["note_version"] == 1 and summary["note_signed"] is False
    assert _data(clinic["nurse"].get(f"/notes/{appointment_id}/patient-summary"))["id"] == summary["id"]
    assert doctor.post(f"/notes/{appointment_id}/sign").status_code == 200
    signed = _data(doctor.post(f"/notes/{appointment_id}/patient-summary"), 201)
    assert signed["note_signed"] is True
    assert _data(doctor.get(f"/notes/{appointment_id}/patient-summary"))["id"] == signed["id"]  # the latest
    edited = _data(doctor.patch(f"/notes/{appointment_id}/patient-summary",
                                json={"text": signed["text"] + "\n\nBring your pills to the next visit."}))
    assert edited["status"] == "edited" and edited["text"].endswith("next visit.")
    sent = _data(doctor.post(f"/notes/{appointment_id}/patient-summary/send", json={"channel": "print"}))
    assert (sent["status"], sent["sent_channel"]) == ("sent", "print")
    assert_error(doctor.patch(f"/notes/{appointment_id}/patient-summary", json={"text": "later"}), 409)
    assert_error(clinic["nurse"].post(f"/notes/{appointment_id}/patient-summary"), 403)


def test_nothing_is_drawn_before_there_is_a_note(clinic: dict[str, Caller]) -> None:
    patient = create_patient(clinic["admin"])
    appointment = schedule(clinic["admin"], patient["id"], clinic["doctor"].id, start="2027-09-12T09:00:00+00:00")
    assert_error(clinic["doctor"].post(f"/notes/{appointment['id']}/patient-summary"), 409)
    assert_error(clinic["doctor"].get(f"/notes/{appointment['id']}/patient-summary"), 404)


def test_a_letter_names_its_recipient(store: Container, clinic: dict[str, Caller], other: dict[str, Caller]) -> None:
    doctor = clinic["doctor"]
    _, appointment_id = drafted_visit(store, clinic, 13)
    for kind, recipient in (("referral", "Dr Amara Nwosu, Cardiology"), ("work_note", "Harbour Logistics HR"),
                            ("to_gp", "Dr Lena Petrov")):
        letter = _data(doctor.post(f"/notes/{appointment_id}/letters", json={"kind": kind, "recipient": recipient}), 201)
        assert {"id", "kind", "text"} <= set(letter) and letter["kind"] == kind
        assert recipient in letter["text"] and "Ines Okafor" in letter["text"]
    letters = _data(doctor.get(f"/notes/{appointment_id}/letters"))
    assert [x["kind"] for x in letters] == ["referral", "work_note", "to_gp"]
    referral = letters[0]
    assert "lisinopril" in referral["text"].lower() and "penicillin" in referral["text"].lower()
    sent = _data(doctor.post(f"/notes/{appointment_id}/letters/{referral['id']}/send", json={"channel": "fax"}))
    assert sent["status"] == "sent"
    assert_error(doctor.post(f"/notes/{appointment_id}/letters", json={"kind": "poem", "recipient": "x"}), 400)
    assert_error(other["admin"].get(f"/notes/{appointment_id}/letters"), 404)
    assert_error(other["admin"].post(f"/notes/{appointment_id}/letters/{referral['id']}/send",
                                     json={"channel": "fax"}), 404)


def test_fhir_exports_each_document_with_its_loinc_type(store: Container, clinic: dict[str, Caller]) -> None:
    doctor = clinic["doctor"]
    patient_id, appointment_id = drafted_visit(store, clinic, 14)
    first = _data(doctor.post(f"/notes/{appointment_id}/patient-summary"), 201)
    second = _data(doctor.post(f"/notes/{appointment_id}/patient-summary"), 201)
    letter = _data(doctor.post(f"/notes/{appointment_id}/letters",
                               json={"kind": "referral", "recipient": "Dr Amara Nwosu"}), 201)
    references = {r["id"]: r for r in everything(doctor, patient_id) if r["resourceType"] == "DocumentReference"}
    newest, older, referral = (references[f"sum-{second['id']}"], references[f"sum-{first['id']}"],
                               references[f"ltr-{letter['id']}"])
    assert newest["type"]["coding"][0] == {"system": "http://loinc.org", "code": "69730-0", "display": "Instructions"}
    assert (newest["status"], older["status"]) == ("current", "superseded")
    assert referral["type"]["coding"][0]["code"] == "57133-1"
    assert {"reference": f"Composition/{_note_id(store, appointment_id)}"} in referral["context"]["related"]
    read = doctor.get(f"/fhir/DocumentReference/ltr-{letter['id']}")
    assert read.status_code == 200 and validate(read.json())
    assert doctor.get(f"/fhir/DocumentReference/sum-{letter['id']}").status_code == 404  # not a summary
    binary = doctor.get(f"/fhir/Binary/sum-{second['id']}")
    assert binary.status_code == 200 and binary.text == second["text"]
    search = doctor.get("/fhir/DocumentReference", params={"patient": patient_id})
    validate(search.json())
    assert f"ltr-{letter['id']}" in json.dumps(search.json())


def test_documents_are_in_the_audit_history_and_the_stream_is_phi_free(
        store: Container, clinic: dict[str, Caller]) -> None:
    doctor = clinic["doctor"]
    _, appointment_id = drafted_visit(store, clinic, 15)
    letter = _data(doctor.post(f"/notes/{appointment_id}/letters",
                               json={"kind": "to_gp", "recipient": "Dr Lena Petrov"}), 201)
    _data(doctor.patch(f"/notes/{appointment_id}/letters/{letter['id']}", json={"text": letter["text"] + " PS."}))
    _data(doctor.post(f"/notes/{appointment_id}/letters/{letter['id']}/send", json={"channel": "post"}))
    history = _data(clinic["auditor"].get(f"/audit/aggregates/{letter['id']}/history"))
    assert [e["event_type"] for e in history["events"]] == [
        "NoteDocument.Generated", "NoteDocument.Edited", "NoteDocument.Sent"]
    assert history["events"][0]["data"]["phi"]["recipient"] == "Dr Lena Petrov"  # the audit sees it...
    stored = list(store.app.events.get(UUID(letter["id"])))  # decrypted, as the relay reads them
    assert len(stored) == 3
    for event in stored:  # ...the stream never does
        _, envelope = to_envelope(event)
        text = json.dumps(envelope)
        assert "Petrov" not in text and "Okafor" not in text and "lisinopril" not in text
        assert envelope["type"].startswith("note_document.")
