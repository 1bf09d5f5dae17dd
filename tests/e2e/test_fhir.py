"""The FHIR R4 facade over real HTTP, across the whole workflow: a patient, an
appointment, an uploaded recording the real ML worker transcribes, an AI
note, signing and amending. Every resource the facade produces validates
against the R4B models of ``fhir.resources``; so do the Bundles."""

from __future__ import annotations

import base64
import hashlib
import shutil
import time
from pathlib import Path
from typing import Any, Callable

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tests.support.api import (Caller, create_patient, invite, register_practice, schedule, upload_document,
                               wait_for)
from tests.support.fhir import validate
from tests.support.server import ServerProcess

pytestmark = pytest.mark.ml
FHIR_JSON = "application/fhir+json"
DIALOGUE = "dev-07-hypertension"
INSIGHT_TYPES = ("Observation", "Condition", "MedicationStatement", "AllergyIntolerance", "ServiceRequest")


def fhir(caller: Caller, path: str, status: int = 200, **kwargs: Any) -> dict[str, Any]:
    """GET a FHIR path; check the status and media type, validate, return the resource."""
    response = caller.get(f"/fhir{path}", **kwargs)
    assert response.status_code == status, (path, response.text[:500])
    assert response.headers["Content-Type"].startswith(FHIR_JSON), response.headers
    resource = response.json()
    validate(resource)
    return resource


def outcome(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["Content-Type"].startswith(FHIR_JSON)
    body = response.json()
    validate(body)
    assert body["resourceType"] == "OperationOutcome" and body["issue"][0]["severity"] == "error"
    return body


def entries(caller: Caller, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every resource of a paginated searchset, following its 'next' links."""
    bundle = fhir(caller, path, params=params)
    found = [e["resource"] for e in bundle["entry"]]
    while (after := next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)):
        response = requests.get(after, headers=caller.headers, timeout=60)
        assert response.status_code == 200, response.text[:300]
        bundle = response.json()
        validate(bundle)
        found += [e["resource"] for e in bundle["entry"]]
    assert len(found) == bundle["total"]
    return found


def _recorded_visit(admin: Caller, doctor: Caller, email: str, start: str, audio: Path) -> dict[str, Any]:
    """A patient with one visit whose recording the ML worker has transcribed and drafted."""
    patient = create_patient(admin, email=email)
    appointment = schedule(admin, patient["id"], doctor.id, start=start)
    with open(audio, "rb") as handle:
        uploaded = doctor.post(f"/recordings/{appointment['id']}", files={"file": ("visit.wav", handle)})
    assert uploaded.status_code == 201, uploaded.text
    return {"patient": patient, "appointment": appointment, "recording": uploaded.json()["data"]}


def _drafted(doctor: Caller, visit: dict[str, Any]) -> dict[str, Any]:
    wait_for(doctor, f"/transcriptions/{visit['appointment']['id']}", lambda d: d["status"] == "completed")
    wait_for(doctor, f"/notes/{visit['appointment']['id']}", lambda d: d["current"] is not None, timeout=120)
    return visit


@pytest.fixture(scope="module")
def chart(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    admin = register_practice(server.api, "fhiradmin")
    doctor, nurse = invite(admin, "doctor"), invite(admin, "nurse")
    audio = tmp_path_factory.mktemp("fhir") / "visit.wav"
    shutil.copy(FIXTURES / f"{DIALOGUE}.wav", audio)
    visit = _recorded_visit(admin, doctor, "maria@example.test", "2027-06-07T09:00:00+00:00", audio)
    document = upload_document(doctor, visit["patient"]["id"])
    return {"admin": admin, "doctor": doctor, "nurse": nurse, **_drafted(doctor, visit), "document": document,
            "audio": audio.read_bytes(), "audio_path": audio, "server": server}


@pytest.fixture(scope="module")
def signing_chart(chart: dict[str, Any]) -> dict[str, Any]:
    """Another patient's drafted visit, for the tests that sign and amend: the shared chart's note stays
    the AI draft whatever order the tests run in."""
    visit = _recorded_visit(chart["admin"], chart["doctor"], "sign@example.test", "2027-06-08T09:00:00+00:00",
                            chart["audio_path"])
    return {**chart, **_drafted(chart["doctor"], visit)}


def _composition_id(chart: dict[str, Any]) -> str:
    bundle = entries(chart["doctor"], f"/Patient/{chart['patient']['id']}/$everything")
    return next(r["id"] for r in bundle if r["resourceType"] == "Composition")


def test_metadata_lists_exactly_what_is_served(server: ServerProcess) -> None:
    response = requests.get(f"{server.api}/fhir/metadata", timeout=30)  # no token: no PHI in it
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(FHIR_JSON)
    statement = response.json()
    validate(statement)
    assert statement["fhirVersion"] == "4.0.1" and statement["format"] == ["json"]
    served = {r["type"]: {i["code"] for i in r["interaction"]} for r in statement["rest"][0]["resource"]}
    assert served == {"Patient": {"read", "create", "search-type"}, "DocumentReference": {"read", "search-type"},
                      **{t: {"read"} for t in ("Appointment", "Composition", "Practitioner", "Binary",
                                               *INSIGHT_TYPES)}}


def test_patient_and_appointment_read(chart: dict[str, Any]) -> None:
    doctor, patient, appointment = chart["doctor"], chart["patient"], chart["appointment"]
    resource = fhir(doctor, f"/Patient/{patient['id']}")
    assert resource["identifier"][0]["value"] == patient["mrn"]
    assert resource["identifier"][0]["system"] == f"urn:medisync:practice:{doctor.user['practice_id']}:mrn"
    assert resource["name"][0] == {"use": "official", "family": "Alvarez", "given": ["Maria"]}
    assert (resource["birthDate"], resource["gender"]) == ("1968-04-12", "female")
    assert {(t["system"], t["value"]) for t in resource["telecom"]} == {
        ("phone", "+1-555-0100"), ("email", "maria@example.test")}
    booked = fhir(doctor, f"/Appointment/{appointment['id']}")
    # the visit's recording started it (D42): the patient has arrived
    assert booked["status"] == "arrived" and booked["reasonCode"] == [{"text": "diabetes follow-up"}]
    assert booked["start"] == "2027-06-07T09:00:00+00:00" and booked["end"] == "2027-06-07T09:30:00+00:00"
    assert {p["actor"]["reference"] for p in booked["participant"]} == {
        f"Patient/{patient['id']}", f"Practitioner/{doctor.id}"}
    practitioner = fhir(doctor, f"/Practitioner/{doctor.id}")
    assert practitioner["name"][0]["text"] == doctor.user["full_name"]


def test_appointment_status_follows_our_lifecycle(chart: dict[str, Any]) -> None:
    admin, doctor, patient = chart["admin"], chart["doctor"], chart["patient"]
    paths = {"fulfilled": ("check-in", "arrived", "start", "arrived", "complete", "fulfilled"),
             "cancelled": ("cancel", "cancelled"), "noshow": ("no-show", "noshow")}
    for day, steps in enumerate(paths.values()):
        visit = schedule(admin, patient["id"], doctor.id, start=f"2027-07-{day + 5:02d}T10:00:00+00:00")
        assert fhir(doctor, f"/Appointment/{visit['id']}")["status"] == "booked"
        for action, expected in zip(steps[::2], steps[1::2]):
            body = {"reason": "patient called"} if action == "cancel" else None
            assert admin.post(f"/appointments/{visit['id']}/{action}", json=body).status_code == 200
            resource = fhir(doctor, f"/Appointment/{visit['id']}")
            assert resource["status"] == expected, (action, resource["status"])
        if action == "cancel":
            assert resource["cancelationReason"] == {"text": "patient called"}


def test_patient_search_by_mrn_and_name(chart: dict[str, Any]) -> None:
    doctor, nurse, patient = chart["doctor"], chart["nurse"], chart["patient"]
    system = f"urn:medisync:practice:{doctor.user['practice_id']}:mrn"
    for identifier in (patient["mrn"], f"{system}|{patient['mrn']}"):
        found = entries(nurse, "/Patient", identifier=identifier)
        assert [r["id"] for r in found] == [patient["id"]], identifier
    assert entries(nurse, "/Patient", identifier=f"urn:other:system|{patient['mrn']}") == []
    assert entries(nurse, "/Patient", identifier=patient["mrn"][:-1]) == []  # exact, not a prefix
    by_name = entries(nurse, "/Patient", name="alvarez", _count=1)
    assert patient["id"] in {r["id"] for r in by_name}
    assert all(r["name"][0]["family"] == "Alvarez" for r in by_name)
    stranger = invite(register_practice(chart["server"].api, "fhirsearch"), "doctor")
    assert entries(stranger, "/Patient", identifier=patient["mrn"]) == []  # another practice sees nothing
    outcome(nurse.get("/fhir/Patient", params={"name": "x" * 101}), 400)


def test_document_references_point_at_authenticated_bytes(chart: dict[str, Any]) -> None:
    doctor, patient = chart["doctor"], chart["patient"]
    found = {r["id"].split("-")[0]: r for r in entries(doctor, "/DocumentReference", patient=patient["id"])}
    assert set(found) == {"rec", "tx", "doc"}
    audio = found["rec"]["content"][0]["attachment"]
    assert audio["contentType"] == chart["recording"]["content_type"] and audio["size"] == len(chart["audio"])
    assert base64.b64decode(audio["hash"]) == hashlib.sha1(chart["audio"]).digest()
    assert requests.get(audio["url"], timeout=30).status_code == 401  # the URL needs the token
    downloaded = requests.get(audio["url"], headers=doctor.headers, timeout=60)
    assert downloaded.status_code == 200 and downloaded.content == chart["audio"]
    text = base64.b64decode(found["tx"]["content"][0]["attachment"]["data"]).decode()
    assert "(clinician)" in text and "(patient)" in text and "blood pressure" in text.lower()
    segments = requests.get(found["tx"]["content"][1]["attachment"]["url"], headers=doctor.headers, timeout=30)
    assert segments.status_code == 200 and segments.json()["segments"]
    assert found["tx"]["relatesTo"][0]["target"]["reference"] == f"DocumentReference/{found['rec']['id']}"
    assert found["doc"]["type"]["coding"][0]["code"] == "11502-2"  # LOINC laboratory report
    for resource in found.values():
        assert resource["category"] and resource["type"]["coding"]
        assert fhir(doctor, f"/DocumentReference/{resource['id']}") == resource


def _note_resources(chart: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    doctor = chart["doctor"]
    composition = fhir(doctor, f"/Composition/{_composition_id(chart)}")
    referenced = {}
    for section in composition["section"]:
        for entry in section.get("entry", []):
            resource_type, resource_id = entry["reference"].split("/")
            referenced[entry["reference"]] = fhir(doctor, f"/{resource_type}/{resource_id}")
    return composition, referenced


def test_ai_note_is_a_preliminary_composition_with_coded_insights(chart: dict[str, Any]) -> None:
    composition, referenced = _note_resources(chart)
    assert composition["status"] == "preliminary" and "attester" not in composition
    assert composition["type"]["coding"][0] == {"system": "http://loinc.org", "code": "11506-3",
                                                "display": "Progress note"}
    assert [s["title"] for s in composition["section"][:4]] == ["Subjective", "Objective", "Assessment", "Plan"]
    assert all(s["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
               for s in composition["section"])
    resources = list(referenced.values())
    loinc = {c["code"] for r in resources if r["resourceType"] == "Observation" for c in r["code"]["coding"]}
    assert "85354-9" in loinc  # blood pressure panel: the dialogue's 148/94
    bp = next(r for r in resources if r["resourceType"] == "Observation" and r["id"].endswith("-bp"))
    assert {c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in bp["component"]} == {
        "8480-6": 148, "8462-4": 94}
    conditions = [r for r in resources if r["resourceType"] == "Condition"]
    assert {"http://hl7.org/fhir/sid/icd-10-cm"} == {c["code"]["coding"][0]["system"] for c in conditions}
    assert {r["resourceType"] for r in resources} >= {"Observation", "Condition"}
    # One MedicationStatement per medication the draft wrote: a drug the ASR did not hear clearly is
    # in needs_review instead (D36), so how many there are depends on the recognition.
    current = chart["doctor"].get(f"/notes/{chart['appointment']['id']}").json()["data"]["current"]
    statements = [r for r in resources if r["resourceType"] == "MedicationStatement"]
    assert len(statements) == len(current["insights"]["medications"])
    assert all(r.get("status", "preliminary") in ("preliminary", "draft", "active") for r in resources)


def test_signing_and_amending_follow_the_note_lifecycle(signing_chart: dict[str, Any]) -> None:
    chart = signing_chart
    doctor, appointment_id = chart["doctor"], chart["appointment"]["id"]
    assert doctor.post(f"/notes/{appointment_id}/sign").status_code == 200
    signed, referenced = _note_resources(chart)
    assert signed["status"] == "final"
    assert signed["attester"][0]["mode"] == "legal"
    assert signed["attester"][0]["party"]["reference"] == f"Practitioner/{doctor.id}"
    assert {r["status"] for r in referenced.values() if r["resourceType"] == "Observation"} == {"final"}
    amendment = {"subjective": "Headaches resolved.", "objective": "BP 138/88.",
                 "assessment": "Hypertension, improving.", "plan": "Continue lisinopril."}
    assert doctor.post(f"/notes/add/{appointment_id}", json=amendment).status_code == 200
    amended, kept = _note_resources(chart)
    assert amended["status"] == "amended" and amended["author"] == [{"reference": f"Practitioner/{doctor.id}"}]
    assert "Headaches resolved." in amended["section"][0]["text"]["div"]
    # D39: the amendment carries the signed facts as its own (new ids, no AIAST tag), unconfirmed
    # until it is signed; the signed version's ids are no longer served.
    assert sorted(r.replace("-v1-", "-v2-") for r in referenced) == sorted(kept)
    assert all("meta" not in r for r in kept.values())
    assert {r["status"] for r in kept.values() if r["resourceType"] == "Observation"} == {"preliminary"}
    assert chart["doctor"].get(f"/fhir/{next(iter(referenced))}").status_code == 404
    assert doctor.post(f"/notes/{appointment_id}/sign").status_code == 200
    resigned, confirmed = _note_resources(chart)
    assert resigned["status"] == "amended"
    assert resigned["attester"][0]["party"]["reference"] == f"Practitioner/{doctor.id}"
    assert {r["status"] for r in confirmed.values() if r["resourceType"] == "Observation"} == {"final"}


def test_everything_is_one_paginated_bundle(chart: dict[str, Any]) -> None:
    doctor, patient = chart["doctor"], chart["patient"]
    whole = fhir(doctor, f"/Patient/{patient['id']}/$everything")
    assert whole["type"] == "searchset" and whole["total"] == len(whole["entry"])
    paged = entries(doctor, f"/Patient/{patient['id']}/$everything", _count=3)
    assert [r["id"] for r in paged] == [e["resource"]["id"] for e in whole["entry"]]
    types = {r["resourceType"] for r in paged}
    assert {"Patient", "Appointment", "DocumentReference", "Composition", "Observation", "Condition"} <= types
    first = fhir(doctor, f"/Patient/{patient['id']}/$everything", params={"_count": 3})
    assert {link["relation"] for link in first["link"]} == {"self", "first", "next", "last"}


def test_export_then_import_into_another_practice_keeps_demographics(chart: dict[str, Any]) -> None:
    exported = fhir(chart["doctor"], f"/Patient/{chart['patient']['id']}")
    other = register_practice(chart["server"].api, "fhirimport")
    body = {k: v for k, v in exported.items() if k not in ("id", "meta")}
    response = other.post("/fhir/Patient", json=body, headers={"Content-Type": FHIR_JSON})
    assert response.status_code == 201, response.text
    imported = response.json()
    validate(imported)
    assert response.headers["Location"].endswith(f"/fhir/Patient/{imported['id']}")
    again = fhir(other, f"/Patient/{imported['id']}")
    for element in ("name", "birthDate", "gender", "telecom"):
        assert again[element] == exported[element], element
    assert again["identifier"][0]["value"] == exported["identifier"][0]["value"]
    assert again["identifier"][0]["system"] == f"urn:medisync:practice:{other.user['practice_id']}:mrn"
    listed = other.get("/patients", params={"search": exported["identifier"][0]["value"]}).json()["data"]
    assert [p["id"] for p in listed] == [imported["id"]]  # registered through the normal command
    events = other.get("/audit/events", params={"aggregate_id": imported["id"]}).json()["data"]
    assert [e["event_type"] for e in events] == ["Patient.Registered"]
    assert events[0]["actor"]["user_id"] == other.id
    duplicate = other.post("/fhir/Patient", json=body, headers={"Content-Type": FHIR_JSON})
    assert outcome(duplicate, 409)["issue"][0]["code"] == "duplicate"


@pytest.mark.parametrize("change,element", [
    (lambda p: p.update(birthDate="12/04/1968"), "Patient.birthDate"),
    (lambda p: p.update(gender="woman"), "Patient.gender"),
    (lambda p: p.update(favouriteColour="blue"), "Patient.favouriteColour"),
    (lambda p: p["name"][0].pop("family"), "Patient.name.family"),
    (lambda p: p.pop("identifier"), "Patient.identifier"),
    (lambda p: p.update(resourceType="Practitioner"), "resourceType"),
])
def test_invalid_patients_get_an_operation_outcome(chart: dict[str, Any], change: Callable[[dict[str, Any]], Any],
                                                   element: str) -> None:
    resource = {"resourceType": "Patient", "identifier": [{"value": f"IMP-{time.time_ns()}"}],
                "name": [{"family": "Nguyen", "given": ["An"]}], "birthDate": "1990-01-02", "gender": "male"}
    change(resource)
    body = outcome(chart["admin"].post("/fhir/Patient", json=resource, headers={"Content-Type": FHIR_JSON}), 400)
    expressions = {e for issue in body["issue"] for e in issue.get("expression", [])}
    assert any(e.startswith(element) for e in expressions), body


def test_a_retried_import_with_an_idempotency_key_registers_once(chart: dict[str, Any]) -> None:
    resource = {"resourceType": "Patient", "identifier": [{"value": f"IDEM-{time.time_ns()}"}],
                "name": [{"family": "Retry", "given": ["Ida"]}], "birthDate": "1975-09-10", "gender": "female"}
    headers = {"Content-Type": FHIR_JSON, "Idempotency-Key": f"fhir-import-{time.time_ns()}"}
    first = chart["admin"].post("/fhir/Patient", json=resource, headers=headers)
    again = chart["admin"].post("/fhir/Patient", json=resource, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers["Content-Type"].startswith(FHIR_JSON) and again.headers["Location"] == first.headers["Location"]
    assert again.json()["id"] == first.json()["id"]
    found = entries(chart["admin"], "/Patient", identifier=resource["identifier"][0]["value"])
    assert [r["id"] for r in found] == [first.json()["id"]]


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                         max_size=3), max_leaves=6)
PATIENT_ELEMENTS = st.sampled_from(["identifier", "name", "birthDate", "gender", "telecom", "active", "address",
                                    "resourceType", "id", "meta", "extension", "deceasedBoolean"])


@given(changes=st.dictionaries(PATIENT_ELEMENTS, JSON_VALUES, max_size=3))
@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_import_never_fails_with_a_server_error(chart: dict[str, Any], changes: dict[str, Any]) -> None:
    """Whatever the elements hold: a Patient (201), or an OperationOutcome (400/409), never a 5xx."""
    resource = {"resourceType": "Patient", "identifier": [{"value": f"FZ-{time.time_ns()}"}],
                "name": [{"family": "Fuzz", "given": ["Ed"]}], "birthDate": "1980-05-06", "gender": "other", **changes}
    response = chart["admin"].post("/fhir/Patient", json=resource, headers={"Content-Type": FHIR_JSON})
    assert response.status_code in (201, 400, 409), response.text[:300]
    body = response.json()
    validate(body)
    assert body["resourceType"] == ("Patient" if response.status_code == 201 else "OperationOutcome")


def test_malformed_bodies_and_unknown_ids_get_operation_outcomes(chart: dict[str, Any]) -> None:
    admin = chart["admin"]
    outcome(admin.post("/fhir/Patient", data=b"{not json", headers={"Content-Type": FHIR_JSON}), 400)
    outcome(admin.post("/fhir/Patient", data=b"<Patient/>", headers={"Content-Type": "application/xml"}), 415)
    outcome(admin.get("/fhir/Patient/not-a-uuid"), 404)
    outcome(admin.get("/fhir/DocumentReference/rec-123"), 404)
    outcome(admin.get("/fhir/Observation/nope"), 404)
    outcome(admin.get("/fhir/Encounter/123"), 404)
    outcome(admin.get("/fhir/DocumentReference"), 400)  # patient= is required
    outcome(admin.get(f"/fhir/Patient/{chart['patient']['id']}", params={"_format": "xml"}), 406)
    outcome(admin.get(f"/fhir/Patient/{chart['patient']['id']}", headers={"Accept": "application/fhir+xml"}), 406)
    assert admin.get(f"/fhir/Patient/{chart['patient']['id']}", params={"_format": "json"},
                     headers={"Accept": "application/fhir+json"}).status_code == 200
    outcome(admin.get(f"/fhir/Patient/{chart['patient']['id']}/$everything", params={"_count": 0}), 400)
    outcome(requests.get(f"{chart['server'].api}/fhir/Patient/{chart['patient']['id']}", timeout=30), 401)


def _every_read(chart: dict[str, Any]) -> list[str]:
    everything = entries(chart["doctor"], f"/Patient/{chart['patient']['id']}/$everything")
    paths = [f"/{r['resourceType']}/{r['id']}" for r in everything]
    paths += [f"/Patient/{chart['patient']['id']}/$everything",
              f"/DocumentReference?patient={chart['patient']['id']}", f"/Practitioner/{chart['doctor'].id}"]
    paths += [f"/Binary/{r['id']}" for r in everything if r["resourceType"] == "DocumentReference"]
    return paths


def test_other_practices_and_other_doctors_get_404_everywhere(chart: dict[str, Any]) -> None:
    paths = _every_read(chart)
    assert len(paths) >= 15
    stranger = invite(register_practice(chart["server"].api, "fhirstranger"), "doctor")
    colleague = invite(chart["admin"], "doctor")  # same practice, not this patient's doctor
    auditor = invite(chart["admin"], "auditor")
    for path in paths:
        outcome(stranger.get(f"/fhir{path}"), 404)
        outcome(auditor.get(f"/fhir{path}"), 403)
        if not path.startswith("/Practitioner"):
            outcome(colleague.get(f"/fhir{path}"), 404)
    for path in paths:  # the nurse of the practice may read the chart
        assert chart["nurse"].get(f"/fhir{path}").status_code == 200, path


def _logged_requests(auditor: Caller, patient_id: str, user_id: str,
                     request_ids: set[str]) -> list[dict[str, Any]]:
    """Every access-log row of these requests, following every page (a chart's
    read can log more rows than one page holds)."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        response = auditor.get("/audit/access", params={"patient_id": patient_id, "user_id": user_id,
                                                        "per_page": 100, "page": page})
        assert response.status_code == 200, response.text[:300]
        body = response.json()
        rows += [r for r in body["data"] if r["request_id"] in request_ids]
        if page >= body["meta"]["pagination"]["total_pages"]:
            return rows
        page += 1


def test_fhir_reads_are_in_the_phi_access_log(chart: dict[str, Any]) -> None:
    """A nurse of its own, so no earlier test's rows can stand in for this one's,
    and each row is matched to the request that made it."""
    auditor, patient_id = invite(chart["admin"], "auditor"), chart["patient"]["id"]
    nurse = invite(chart["admin"], "nurse")
    ids = {name: f"req-fhir-log-{name}-{time.time_ns()}" for name in ("patient", "everything", "composition")}
    fhir(nurse, f"/Patient/{patient_id}", headers={"X-Request-ID": ids["patient"]})
    bundle = fhir(nurse, f"/Patient/{patient_id}/$everything", headers={"X-Request-ID": ids["everything"]})
    composition = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Composition")
    fhir(nurse, f"/Composition/{composition['id']}", headers={"X-Request-ID": ids["composition"]})
    # The rows are committed before each answer (D32): no waiting, no polling.
    rows = _logged_requests(auditor, patient_id, nurse.id, set(ids.values()))
    logged = {name: {(r["resource_type"], r["resource_id"], r["action"]) for r in rows if r["request_id"] == rid}
              for name, rid in ids.items()}
    assert logged["patient"] == {("fhir.Patient", patient_id, "read")}
    assert logged["everything"] == {(f"fhir.{e['resource']['resourceType']}", e["resource"]["id"], "search")
                                    for e in bundle["entry"]}
    assert logged["composition"] == {("fhir.Composition", composition["id"], "read")}
