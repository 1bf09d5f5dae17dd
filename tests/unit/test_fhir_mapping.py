"""The FHIR mappers on read-model-shaped rows: every resource validates against
the R4B models, and codes, statuses and references are the documented ones."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import datetime, timezone
from typing import Any

import pytest

from medisync.interface.fhir import document_reference as docs
from medisync.interface.fhir.appointment import STATUS, to_appointment
from medisync.interface.fhir.bundle import searchset
from medisync.interface.fhir.capability import capability_statement
from medisync.interface.fhir.outcome import operation_outcome
from medisync.interface.fhir.patient import from_patient, to_patient
from medisync.interface.fhir.practitioner import to_practitioner
from medisync.interface.fhir.record import note_resources
from tests.support.fhir import INSIGHTS, validate

NOW = datetime(2027, 5, 3, 9, 0, tzinfo=timezone.utc)
PATIENT_ID, DOCTOR_ID, NOTE_ID = (str(uuid.uuid4()) for _ in range(3))


def _version(number: int, **overrides: Any) -> dict[str, Any]:
    return {"version": number, "status": "preliminary", "source": "ai", "subjective": "Headache <2 days>.",
            "objective": "BP 148/94.", "assessment": "Hypertension.", "plan": "Lisinopril 20 mg.",
            "free_text": "", "insights": INSIGHTS, "author_id": "system:ml",
            "provenance": {"generator": "extractive", "generator_version": "1.0.0"},
            "created_at": NOW, "signed_by": None, "signed_at": None, **overrides}


def _note(current: int) -> dict[str, Any]:
    return {"id": NOTE_ID, "patient_id": PATIENT_ID, "appointment_id": str(uuid.uuid4()),
            "doctor_id": DOCTOR_ID, "current_version": current, "signed": False,
            "updated_at": NOW, "version": 3}


def test_patient_validates_and_round_trips_through_import() -> None:
    row = {"id": PATIENT_ID, "mrn": "MRN-1", "first_name": "Maria José", "last_name": "Alvarez",
           "date_of_birth": "1968-04-12", "sex": "female", "phone": "+1-555-0100",
           "email": "maria@example.test", "archived": False, "updated_at": NOW, "version": 2}
    resource = to_patient(row, "urn:medisync:practice:p1:mrn")
    validate(resource)
    assert resource["identifier"][0]["type"]["coding"][0]["code"] == "MR"
    assert from_patient(resource) == {"mrn": "MRN-1", "first_name": "Maria José", "last_name": "Alvarez",
                                      "date_of_birth": "1968-04-12", "sex": "female",
                                      "phone": "+1-555-0100", "email": "maria@example.test"}


def test_import_prefers_the_official_name_and_the_mr_identifier() -> None:
    resource = {"resourceType": "Patient",
                "identifier": [{"system": "urn:ssn", "value": "123"},
                               {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                                                     "code": "MR"}]}, "value": "A-7"}],
                "name": [{"use": "nickname", "given": ["Bob"], "family": "X"},
                         {"use": "official", "given": ["Robert", "James"], "family": "Smith"}]}
    assert from_patient(resource) == {"mrn": "A-7", "first_name": "Robert James", "last_name": "Smith"}


@pytest.mark.parametrize("ours,theirs", sorted(STATUS.items()))
def test_appointment_statuses_map_and_validate(ours: str, theirs: str) -> None:
    row = {"id": str(uuid.uuid4()), "patient_id": PATIENT_ID, "doctor_id": DOCTOR_ID, "start_at": NOW,
           "duration_minutes": 30, "type": "follow_up", "reason": "BP check", "status": ours,
           "cancel_reason": "ill" if ours == "cancelled" else None, "created_at": NOW,
           "updated_at": NOW, "version": 1}
    resource = to_appointment(row)
    validate(resource)
    assert resource["status"] == theirs
    assert resource["end"] == "2027-05-03T09:30:00+00:00"
    assert {p["actor"]["reference"] for p in resource["participant"]} == {
        f"Patient/{PATIENT_ID}", f"Practitioner/{DOCTOR_ID}"}


def test_composition_sections_codes_and_insight_resources_validate() -> None:
    resources = note_resources(_note(1), [_version(1)], NOW)
    for resource in resources:
        validate(resource)
    composition, insights = resources[0], resources[1:]
    assert composition["status"] == "preliminary"
    assert composition["type"]["coding"][0]["code"] == "11506-3"
    assert [s["code"]["coding"][0]["code"] for s in composition["section"]] == [
        "61150-9", "61149-1", "51848-0", "18776-5"]
    assert "&lt;2 days&gt;" in composition["section"][0]["text"]["div"]  # narrative is escaped XHTML
    referenced = {e["reference"] for s in composition["section"] for e in s.get("entry", [])}
    assert referenced == {f"{r['resourceType']}/{r['id']}" for r in insights}
    codes = {c["code"] for r in insights if r["resourceType"] == "Observation" for c in r["code"]["coding"]}
    assert codes == {"85354-9", "8867-4", "8310-5", "59408-5", "9279-1", "29463-7"}
    bp = next(r for r in insights if r["id"].endswith("-bp"))
    assert {c["code"]["coding"][0]["code"]: c["valueQuantity"]["code"] for c in bp["component"]} == {
        "8480-6": "mm[Hg]", "8462-4": "mm[Hg]"}
    condition = next(r for r in insights if r["resourceType"] == "Condition")
    assert condition["code"]["coding"][0] == {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "I10"}
    assert all(r["meta"]["tag"][0]["code"] == "AIAST" for r in insights)


def test_signed_versions_confirm_their_own_insights() -> None:
    signed = _version(1, status="final", signed_by=DOCTOR_ID, signed_at=NOW)
    final = note_resources(_note(1), [signed], NOW)
    assert final[0]["status"] == "final"
    assert final[0]["attester"][0]["party"]["reference"] == f"Practitioner/{DOCTOR_ID}"
    assert {r.get("status") for r in final[1:] if r["resourceType"] == "Observation"} == {"final"}
    assert {r["verificationStatus"]["coding"][0]["code"] for r in final
            if r["resourceType"] == "Condition"} == {"confirmed"}


def test_a_clinician_version_without_facts_exports_none_of_the_drafts() -> None:
    """D39: the facts are the current version's own; an earlier AI draft's are never inherited."""
    draft = _version(1)
    rewritten = _version(2, status="final", source="clinician", author_id=DOCTOR_ID, insights=None,
                         provenance=None, signed_by=DOCTOR_ID, signed_at=NOW)
    resources = note_resources(_note(2), [draft, rewritten], NOW)
    for resource in resources:
        validate(resource)
    assert [r["resourceType"] for r in resources] == ["Composition"]
    assert resources[0]["author"] == [{"reference": f"Practitioner/{DOCTOR_ID}"}]
    assert not any(s.get("entry") for s in resources[0]["section"])


def test_a_clinicians_corrected_facts_replace_the_drafts() -> None:
    draft_facts = {**INSIGHTS, "medications": [
        {"name": "simvastatin", "dose": "20 mg", "frequency": "at bedtime", "status": "active"}]}
    corrected = {**INSIGHTS, "medications": [
        {"name": "atorvastatin", "dose": "20 mg", "frequency": "at bedtime", "status": "active"}]}
    draft = _version(1, insights=draft_facts)
    signed = _version(2, status="final", source="clinician", author_id=DOCTOR_ID, insights=corrected,
                      provenance=None, signed_by=DOCTOR_ID, signed_at=NOW)
    resources = note_resources(_note(2), [draft, signed], NOW)
    for resource in resources:
        validate(resource)
    statements = [r for r in resources if r["resourceType"] == "MedicationStatement"]
    assert [(m["medicationCodeableConcept"]["text"], m["status"]) for m in statements] == [
        ("atorvastatin", "active")]
    assert all(f"{NOTE_ID}-v2-" in r["id"] for r in resources[1:])  # the signed version's ids
    assert all("meta" not in r for r in resources[1:])  # the clinician asserted them: no AIAST tag
    assert {r["status"] for r in resources if r["resourceType"] == "Observation"} == {"final"}
    referenced = {e["reference"] for s in resources[0]["section"] for e in s.get("entry", [])}
    assert referenced == {f"{r['resourceType']}/{r['id']}" for r in resources[1:]}


def test_document_references_validate_with_sha1_hashes() -> None:
    payload = b"RIFF....WAVE"
    row = {"id": str(uuid.uuid4()), "appointment_id": str(uuid.uuid4()), "patient_id": PATIENT_ID,
           "content_type": "audio/wav", "size_bytes": len(payload),
           "sha1": hashlib.sha1(payload).hexdigest(), "uploaded_by": DOCTOR_ID, "created_at": NOW,
           "updated_at": NOW, "version": 1, "kind": "lab_result", "title": "CBC",
           "document": {"segments": [{"start": 61.5, "end": 63, "speaker": "S1", "role": "clinician",
                                      "text": " Hello."}], "text": "Hello."}}
    recording = docs.from_recording(row, "https://x/api/v1/fhir/Binary")
    transcript = docs.from_transcript(row, "https://x/api/v1/fhir/Binary")
    document = docs.from_document(row, "https://x/api/v1/fhir/Binary")
    for resource in (recording, transcript, document):
        validate(resource)
    assert base64.b64decode(recording["content"][0]["attachment"]["hash"]) == hashlib.sha1(payload).digest()
    assert base64.b64decode(transcript["content"][0]["attachment"]["data"]) == b"[01:01] S1 (clinician): Hello."
    assert document["type"]["coding"][0]["code"] == "11502-2"


def test_bundle_capability_practitioner_and_outcome_validate() -> None:
    patient = to_patient({"id": PATIENT_ID, "mrn": "M", "last_name": "L", "archived": False}, "urn:x")
    bundle = searchset([patient], 3, 2, 1, "https://x/fhir/Patient/1/$everything", {}, "https://x/fhir")
    validate(bundle)
    assert {link["relation"] for link in bundle["link"]} == {"self", "first", "previous", "next", "last"}
    validate(capability_statement("https://x/api/v1/fhir", "0.1.0", NOW.isoformat()))
    validate(to_practitioner({"id": DOCTOR_ID, "full_name": "Ann Lee", "active": True}))
    outcome = operation_outcome(400, "invalid_resource", "bad", {"Patient.birthDate": ["Not a date."]})
    validate(outcome)
    assert outcome["issue"][1]["expression"] == ["Patient.birthDate"]


def test_every_resource_has_a_generated_narrative_of_its_own_elements() -> None:
    """dom-6 (issue 18 s4): a person reading the resource sees its content, escaped."""
    patient = to_patient({"id": PATIENT_ID, "mrn": "M-<1>", "first_name": "Ana", "last_name": "O'Brien & Co",
                          "date_of_birth": "1990-01-02", "sex": "female", "archived": False}, "urn:x")
    signed = _version(1, status="final", signed_by=DOCTOR_ID, signed_at=NOW)
    resources = [patient, *note_resources(_note(1), [signed], NOW),
                 to_practitioner({"id": DOCTOR_ID, "full_name": "Ann Lee", "active": True}),
                 capability_statement("https://x/api/v1/fhir", "0.1.0", NOW.isoformat()),
                 operation_outcome(404, "not_found", "patient not found")]
    for resource in resources:
        validate(resource)
        assert resource["text"]["status"] == "generated"
        assert resource["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml"><p>')
    div = patient["text"]["div"]
    assert "Ana O&#x27;Brien &amp; Co" in div and "M-&lt;1&gt;" in div and "<1>" not in div
    bp = next(r for r in resources if r["id"].endswith("-bp"))
    assert "Systolic blood pressure 148 mm[Hg]" in bp["text"]["div"]
    statement = next(r for r in resources if r["resourceType"] == "MedicationStatement")
    assert "<b>Medication</b>: lisinopril" in statement["text"]["div"]


def test_the_visits_clinician_performs_the_vitals() -> None:
    """The vitals were measured in the doctor's visit: the note's doctor is each Observation's performer."""
    for source in ("ai", "clinician"):
        version = _version(1, source=source, author_id=DOCTOR_ID if source == "clinician" else "system:ml")
        observations = [r for r in note_resources(_note(1), [version], NOW) if r["resourceType"] == "Observation"]
        assert observations and all(r["performer"] == [{"reference": f"Practitioner/{DOCTOR_ID}"}]
                                    for r in observations)
