"""The signed note is the record (issue 18, section 1): what a clinician corrects
or signs is what FHIR exports, and writing a note never blanks what was left out.

The AI draft is appended by the real ``NoteService.record_generated`` (the call the
ML worker makes) from this process, on the server's own database, so the draft can
hold a known mishearing (simvastatin for atorvastatin, as ``base`` once produced);
everything after it goes through the running server over HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from medisync.domain.actor import system_actor
from medisync.interface.bootstrap import Container
from tests.support.api import Caller, create_patient, invite, register_practice, schedule, wait_for
from tests.support.container import services_on
from tests.support.fhir import validate
from tests.support.server import ServerProcess

SOAP = {"subjective": "Thirsty for two weeks. Takes atorvastatin 20 mg at bedtime.",
        "objective": "BP 128/78. Weight 96 kg.",
        "assessment": "Type 2 diabetes with hyperglycemia.",
        "plan": "Increase metformin to 1000 mg twice daily. HbA1c before the next visit."}
MISHEARD = {
    "chief_complaint": "diabetes follow-up", "symptoms": [{"name": "increased thirst", "present": True,
                                                          "duration": "2 weeks"}],
    "vitals": {"bp_systolic": 128, "bp_diastolic": 78, "heart_rate": None, "temperature_c": None,
               "spo2": None, "respiratory_rate": None, "weight_kg": 96},
    "medications": [{"name": "metformin", "dose": "1000 mg", "frequency": "twice daily", "status": "changed"},
                    {"name": "simvastatin", "dose": "20 mg", "frequency": "at bedtime", "status": "active"}],
    "allergies": [], "diagnoses": [{"name": "type 2 diabetes mellitus with hyperglycemia", "icd10": "E11.65"}],
    "orders": [{"kind": "lab", "name": "hemoglobin A1c"}], "follow_up": "3 months",
}
DRAFT = {"subjective": "Thirsty for two weeks. Takes simvastatin 20 mg at bedtime.",
         "objective": SOAP["objective"], "assessment": SOAP["assessment"],
         "plan": "Increase metformin. Continue simvastatin 20 mg at bedtime.", "insights": MISHEARD,
         "provenance": {"generator": "extractive", "generator_version": "1.0.0"}}


@pytest.fixture(scope="module")
def store(server: ServerProcess, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """The application services on the server's database (same master key, own JWT key)."""
    with services_on(database_url, tmp_path_factory.mktemp("notes-store")) as built:
        yield built


@pytest.fixture(scope="module")
def clinic(server: ServerProcess) -> dict[str, Caller]:
    admin = register_practice(server.api, "recordadmin")
    return {"admin": admin, "doctor": invite(admin, "doctor")}


def visit(clinic: dict[str, Caller], day: int) -> tuple[str, str]:
    patient = create_patient(clinic["admin"])
    appointment = schedule(clinic["admin"], patient["id"], clinic["doctor"].id,
                           start=f"2027-08-{day:02d}T09:00:00+00:00")
    return patient["id"], appointment["id"]


def ai_draft(store: Container, clinic: dict[str, Caller], appointment_id: str) -> dict[str, Any]:
    store.notes.record_generated(appointment_id, DRAFT, system_actor(clinic["admin"].user["practice_id"]),
                                 transcript_version=None)
    return wait_for(clinic["doctor"], f"/notes/{appointment_id}", lambda d: d["current"] is not None, 60)


def everything(doctor: Caller, patient_id: str) -> list[dict[str, Any]]:
    response = doctor.get(f"/fhir/Patient/{patient_id}/$everything", params={"_count": 200})
    assert response.status_code == 200, response.text[:300]
    bundle = response.json()
    validate(bundle)
    assert bundle["total"] == len(bundle["entry"])
    return [e["resource"] for e in bundle["entry"]]


def medication_statements(resources: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return sorted((r["medicationCodeableConcept"]["text"], r["status"]) for r in resources
                  if r["resourceType"] == "MedicationStatement")


def test_a_signed_correction_of_the_facts_is_what_fhir_exports(store: Container,
                                                               clinic: dict[str, Caller]) -> None:
    doctor = clinic["doctor"]
    patient_id, appointment_id = visit(clinic, 2)
    draft = ai_draft(store, clinic, appointment_id)["current"]
    before = everything(doctor, patient_id)
    assert ("simvastatin", "active") in medication_statements(before)  # the AI's mishearing, unsigned
    misheard_id = next(r["id"] for r in before if r["resourceType"] == "MedicationStatement"
                       and r["medicationCodeableConcept"]["text"] == "simvastatin")

    facts = json.loads(json.dumps(draft["insights"]))  # the clinician reviews the draft's facts...
    facts["medications"][1]["name"] = "atorvastatin"  # ...and corrects the one the AI misheard
    corrected = doctor.post(f"/notes/add/{appointment_id}", json={**SOAP, "insights": facts})
    assert corrected.status_code == 200, corrected.text
    assert doctor.post(f"/notes/{appointment_id}/sign").status_code == 200

    after = everything(doctor, patient_id)
    assert medication_statements(after) == [("atorvastatin", "active"), ("metformin", "active")]
    assert "simvastatin" not in json.dumps(after).lower()
    assert doctor.get(f"/fhir/MedicationStatement/{misheard_id}").status_code == 404
    composition = next(r for r in after if r["resourceType"] == "Composition")
    assert composition["status"] == "final"
    facts_exported = [r for r in after if r["resourceType"] in (
        "MedicationStatement", "Condition", "Observation", "ServiceRequest")]
    assert facts_exported and all("-v2-" in r["id"] and "meta" not in r for r in facts_exported)
    assert {r["verificationStatus"]["coding"][0]["code"] for r in after if r["resourceType"] == "Condition"} == {
        "confirmed"}
    stored = doctor.get(f"/notes/{appointment_id}").json()["data"]["current"]
    assert stored["source"] == "clinician" and stored["insights"]["medications"][1]["name"] == "atorvastatin"


def test_a_prose_only_correction_drops_the_drafts_facts(store: Container, clinic: dict[str, Caller]) -> None:
    """The issue's path: the doctor fixed the text and signed; the draft's facts were never reviewed."""
    doctor = clinic["doctor"]
    patient_id, appointment_id = visit(clinic, 3)
    ai_draft(store, clinic, appointment_id)
    fixed = {"subjective": SOAP["subjective"], "plan": "Increase metformin. Continue atorvastatin 20 mg."}
    assert doctor.post(f"/notes/add/{appointment_id}", json=fixed).status_code == 200
    assert doctor.post(f"/notes/{appointment_id}/sign").status_code == 200
    after = everything(doctor, patient_id)
    assert not [r for r in after if r["resourceType"] in (
        "Observation", "Condition", "MedicationStatement", "AllergyIntolerance", "ServiceRequest")]
    assert "simvastatin" not in json.dumps(after).lower()
    current = doctor.get(f"/notes/{appointment_id}").json()["data"]["current"]
    assert current["insights"] is None and current["objective"] == SOAP["objective"]  # kept from the draft


def test_an_addendum_after_signing_keeps_every_signed_section(clinic: dict[str, Caller]) -> None:
    doctor = clinic["doctor"]
    patient_id, appointment_id = visit(clinic, 4)
    assert doctor.post(f"/notes/add/{appointment_id}", json=SOAP).status_code == 201
    assert doctor.post(f"/notes/{appointment_id}/sign").status_code == 200
    addendum = doctor.post(f"/notes/add/{appointment_id}", json={"free_text": "Addendum: HbA1c 8.1 %."})
    assert addendum.status_code == 200, addendum.text
    note = addendum.json()["data"]
    assert (note["current"]["version"], note["current"]["status"]) == (2, "amended")
    assert {key: note["current"][key] for key in SOAP} == SOAP
    assert note["current"]["free_text"] == "Addendum: HbA1c 8.1 %."
    assert note["versions"][0]["signed_by"] == doctor.id  # the signed version is kept as it was
    composition = next(r for r in everything(doctor, patient_id) if r["resourceType"] == "Composition")
    divs = [s["text"]["div"] for s in composition["section"]]
    assert all(SOAP[key].split(".")[0] in div for key, div in zip(SOAP, divs))
    assert "Addendum: HbA1c 8.1 %." in divs[-1]
    cleared = doctor.post(f"/notes/add/{appointment_id}", json={"plan": ""})  # "" clears, explicitly
    assert cleared.status_code == 200 and cleared.json()["data"]["current"]["plan"] == ""
    assert cleared.json()["data"]["current"]["subjective"] == SOAP["subjective"]


def test_invalid_facts_are_refused_with_the_field_named(clinic: dict[str, Caller]) -> None:
    doctor = clinic["doctor"]
    _, appointment_id = visit(clinic, 5)
    bad = {"insights": {"diagnoses": [{"name": "diabetes", "icd10": "diabetes"}],
                        "medications": [{"name": "metformin", "status": "sometimes"}]}}
    response = doctor.post(f"/notes/add/{appointment_id}", json=bad)
    assert response.status_code == 400, response.text
    details = json.dumps(response.json()["error"]["details"])
    assert "icd10" in details and "status" in details
    assert doctor.get(f"/notes/{appointment_id}").status_code == 404  # nothing was written


def test_the_openapi_spec_states_the_partial_update(server: ServerProcess) -> None:
    import requests

    spec = requests.get(f"{server.api}/openapi.json", timeout=30).json()
    operation = spec["paths"]["/api/v1/notes/add/{appointment_id}"]["post"]
    assert "left out keeps" in operation["description"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    schema = spec["components"]["schemas"][body["$ref"].split("/")[-1]] if "$ref" in body else body
    assert not schema.get("required")
    assert "kept" in schema["properties"]["subjective"]["description"]
    assert "insights" in schema["properties"]
