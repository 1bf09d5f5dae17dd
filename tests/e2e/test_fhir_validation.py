"""Every FHIR resource the facade serves, as the reference validator sees it (issue 18 s4, D59).

A chart is driven through the real API: a patient, a visit whose recording the real ML
worker transcribes and drafts, a second visit with an AI draft holding every kind of fact,
an uploaded document, the clinician's corrected and signed version, an addendum, a patient
summary and a letter, a cancelled visit, an imported patient, searches and failures. Each
resource the API answers (read by id, and in every Bundle) is written to one folder, and HAPI
FHIR's instance validator (tools/fhir-validator, offline, R4's own profiles) checks the folder
in one JVM run.

Target: no error, and no warning but one saying a code system cannot be checked offline
(LOINC, SNOMED CT, ICD-10-CM, US Core's document category, ours). Two deliberately invalid
resources ride in the same batch and must be caught, so a validator that checks nothing
fails this test. Without Java or Maven the test fails, saying so: it never skips.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from medisync.domain.actor import system_actor
from medisync.interface.bootstrap import Container
from medisync.interface.fhir.codes import (ICD10CM, LOINC, MEDISYNC_DOCUMENT_KIND, SNOMED,
                                           US_CORE_DOCUMENT_CATEGORY)
from tests.conftest import FIXTURES
from tests.support.api import (Caller, create_patient, invite, register_practice, schedule, upload_document,
                               wait_for)
from tests.support.container import services_on
from tests.support.fhir import INSIGHTS
from tests.support.server import ServerProcess

pytestmark = pytest.mark.ml
VALIDATOR = Path(__file__).resolve().parents[2] / "tools" / "fhir-validator" / "validator.sh"
FHIR_JSON = "application/fhir+json"
OFFLINE_SYSTEMS = {LOINC, SNOMED, ICD10CM, US_CORE_DOCUMENT_CATEGORY, MEDISYNC_DOCUMENT_KIND}
UNCHECKABLE = re.compile(r"^(?:CodeSystem is unknown and can't be validated|"
                         r"Unable to expand ValueSet because CodeSystem could not be found): (\S+)")
SERVED = {"Patient", "Practitioner", "Appointment", "DocumentReference", "Composition", "Observation",
          "Condition", "MedicationStatement", "AllergyIntolerance", "ServiceRequest", "Bundle",
          "CapabilityStatement", "OperationOutcome"}
FACTS = {  # one of every kind of fact a note version can assert: the mapper tests' facts, and more
    **INSIGHTS, "chief_complaint": "headaches", "follow_up": "4 weeks",
    "symptoms": [{"name": "headache", "present": True, "duration": "2 weeks"}],
    "orders": [*INSIGHTS["orders"], {"kind": "imaging", "name": "chest X-ray"}, {"kind": "procedure", "name": "ECG"}],
}
SOAP = {"subjective": "Headaches for two weeks <worse in the morning>.", "objective": "BP 148/94, HR 80.",
        "assessment": "Essential hypertension, uncontrolled.", "plan": "Increase lisinopril to 20 mg daily."}
INVALID = {  # what the validator must catch: a wrong gender code, an unknown HL7 code, a missing status
    "control-invalid-patient": {"resourceType": "Patient", "gender": "woman"},
    "control-invalid-observation": {
        "resourceType": "Observation", "code": {"text": "x"},
        "meta": {"tag": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "NOPE"}]}},
}


class Export:
    """The resources the API answered, each written to ``folder`` as NNN-label.json."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.resources: dict[str, dict[str, Any]] = {}

    def add(self, label: str, resource: dict[str, Any]) -> dict[str, Any]:
        name = f"{len(self.resources):03d}-{label}"
        self.resources[name] = resource
        (self.folder / f"{name}.json").write_text(json.dumps(resource), encoding="utf-8")
        return resource

    def get(self, caller: Caller, path: str, label: str, status: int = 200, **kwargs: Any) -> dict[str, Any]:
        response = caller.get(f"/fhir{path}", **kwargs)
        assert response.status_code == status, (path, response.text[:300])
        assert response.headers["Content-Type"].startswith(FHIR_JSON), response.headers
        return self.add(label, response.json())

    def everything(self, caller: Caller, patient_id: str, label: str) -> list[dict[str, Any]]:
        """$everything as one Bundle, then each resource in it read by id."""
        bundle = self.get(caller, f"/Patient/{patient_id}/$everything", label, params={"_count": 200})
        assert bundle["total"] == len(bundle["entry"])
        for entry in bundle["entry"]:
            resource = entry["resource"]
            self.get(caller, f"/{resource['resourceType']}/{resource['id']}", f"{label}-{resource['resourceType']}")
        return [e["resource"] for e in bundle["entry"]]


@pytest.fixture(scope="module")
def validator() -> Path:
    """Built (or found cached) first: without Java or Maven this fails at once, not after the ML work."""
    done = subprocess.run([str(VALIDATOR), "build"], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        pytest.fail("the FHIR reference validator could not be built; it needs a JDK 17+ (java, javac) and "
                    f"Maven (mvn) with Maven Central reachable (docs/decisions.md D59):\n{done.stderr[-3000:]}")
    return VALIDATOR


@pytest.fixture(scope="module")
def store(server: ServerProcess, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    """The application services on the server's database, to append an AI draft with known facts."""
    with services_on(database_url, tmp_path_factory.mktemp("fhir-validation-store")) as built:
        yield built


def _recorded_visit(clinic: dict[str, Caller], patient_id: str, audio: Path) -> str:
    """A visit the real ML worker transcribes and drafts; returns its appointment id."""
    appointment = schedule(clinic["admin"], patient_id, clinic["doctor"].id, start="2027-09-06T09:00:00+00:00")
    with open(audio, "rb") as handle:
        uploaded = clinic["doctor"].post(f"/recordings/{appointment['id']}", files={"file": ("visit.wav", handle)})
    assert uploaded.status_code == 201, uploaded.text
    upload_document(clinic["doctor"], patient_id)
    wait_for(clinic["doctor"], f"/transcriptions/{appointment['id']}", lambda d: d["status"] == "completed")
    wait_for(clinic["doctor"], f"/notes/{appointment['id']}", lambda d: d["current"] is not None, timeout=300)
    return appointment["id"]


def _drafted_visit(store: Container, clinic: dict[str, Caller], patient_id: str) -> str:
    """A visit whose AI draft asserts every kind of fact (the call the ML worker makes)."""
    appointment = schedule(clinic["admin"], patient_id, clinic["doctor"].id, start="2027-09-07T09:00:00+00:00")
    draft = {**SOAP, "insights": FACTS, "provenance": {"generator": "extractive", "generator_version": "1.0.0"}}
    store.notes.record_generated(appointment["id"], draft, system_actor(clinic["admin"].user["practice_id"]),
                                 transcript_version=None)
    wait_for(clinic["doctor"], f"/notes/{appointment['id']}", lambda d: d["current"] is not None, timeout=60)
    return appointment["id"]


def _sign_amend_and_draw(doctor: Caller, appointment_id: str) -> None:
    """The clinician's corrected facts, signed; an addendum; a patient summary and a letter."""
    written = doctor.post(f"/notes/add/{appointment_id}", json={**SOAP, "insights": FACTS})
    assert written.status_code in (200, 201), written.text
    assert doctor.post(f"/notes/{appointment_id}/sign").status_code == 200
    for path, body in ((f"/notes/{appointment_id}/patient-summary", None),
                       (f"/notes/{appointment_id}/letters", {"kind": "referral", "recipient": "Dr. Okafor"})):
        assert doctor.post(path, json=body).status_code == 201, path


def _amend(doctor: Caller, appointment_id: str) -> None:
    addendum = doctor.post(f"/notes/add/{appointment_id}", json={"free_text": "Addendum: BMP normal."})
    assert addendum.status_code == 200, addendum.text


def _cancelled_visit(clinic: dict[str, Caller], patient_id: str) -> str:
    appointment = schedule(clinic["admin"], patient_id, clinic["doctor"].id, start="2027-09-08T09:00:00+00:00")
    cancelled = clinic["admin"].post(f"/appointments/{appointment['id']}/cancel", json={"reason": "patient called"})
    assert cancelled.status_code == 200, cancelled.text
    return appointment["id"]


def _searches_and_failures(export: Export, clinic: dict[str, Caller], patient: dict[str, Any],
                           server: ServerProcess) -> None:
    doctor, admin = clinic["doctor"], clinic["admin"]
    export.get(doctor, f"/Patient/{patient['id']}", "patient")
    export.get(doctor, "/Patient", "patient-search", params={"identifier": patient["mrn"]})
    export.get(doctor, "/DocumentReference", "document-search", params={"patient": patient["id"], "_count": 2})
    export.get(doctor, f"/Patient/{patient['id']}/$everything", "everything-page", params={"_count": 3, "page": 2})
    export.get(doctor, f"/Practitioner/{doctor.id}", "practitioner")
    export.add("metadata", requests.get(f"{server.api}/fhir/metadata", timeout=30).json())  # public
    imported = {"resourceType": "Patient", "identifier": [{"value": f"IMP-{patient['mrn']}"}],
                "name": [{"family": "Nguyen", "given": ["An"]}], "birthDate": "1990-01-02", "gender": "male"}
    created = admin.post("/fhir/Patient", json=imported, headers={"Content-Type": FHIR_JSON})
    assert created.status_code == 201, created.text
    export.add("patient-imported", created.json())
    invalid = admin.post("/fhir/Patient", json={**imported, "birthDate": "02/01/1990"},
                         headers={"Content-Type": FHIR_JSON})
    assert invalid.status_code == 400, invalid.text
    export.add("outcome-400", invalid.json())
    export.get(doctor, "/Observation/nope", "outcome-404", status=404)
    export.get(doctor, f"/Patient/{patient['id']}", "outcome-406", status=406, params={"_format": "xml"})


@pytest.fixture(scope="module")
def exported(validator: Path, server: ServerProcess, store: Container,
             tmp_path_factory: pytest.TempPathFactory) -> Export:
    folder = tmp_path_factory.mktemp("fhir-export")
    export = Export(folder)
    admin = register_practice(server.api, "fhirvalidation")
    clinic = {"admin": admin, "doctor": invite(admin, "doctor")}
    patient = create_patient(admin, email="maria@example.test")
    audio = tmp_path_factory.mktemp("fhir-audio") / "visit.wav"
    shutil.copy(FIXTURES / "dev-07-hypertension.wav", audio)
    recorded = _recorded_visit(clinic, patient["id"], audio)
    _drafted_visit(store, clinic, patient["id"])
    _cancelled_visit(clinic, patient["id"])
    export.everything(clinic["doctor"], patient["id"], "drafts")  # both AI drafts, unsigned (AIAST)
    _sign_amend_and_draw(clinic["doctor"], recorded)
    export.everything(clinic["doctor"], patient["id"], "signed")
    _amend(clinic["doctor"], recorded)
    export.everything(clinic["doctor"], patient["id"], "amended")
    _searches_and_failures(export, clinic, patient, server)
    return export


def _validate(validator: Path, export: Export) -> dict[str, Any]:
    """One JVM run over the folder, with the invalid controls beside the real resources."""
    for name, resource in INVALID.items():
        (export.folder / f"{name}.json").write_text(json.dumps(resource), encoding="utf-8")
    done = subprocess.run([str(validator), "check", str(export.folder)], capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode in (0, 1), f"the validator failed to run (exit {done.returncode}):\n{done.stderr[-3000:]}"
    return {r["name"].removesuffix(".json"): r for r in json.loads(done.stdout)["resources"]}


def _unexpected(issue: dict[str, Any]) -> bool:
    """An error, or a warning that is not about a code system the validator cannot check offline."""
    if issue["severity"] in ("error", "fatal"):
        return True
    if issue["severity"] != "warning":
        return False
    uncheckable = UNCHECKABLE.match(issue["message"])
    return uncheckable is None or uncheckable.group(1) not in OFFLINE_SYSTEMS


def test_every_resource_the_api_serves_passes_the_reference_validator(validator: Path, exported: Export) -> None:
    results = _validate(validator, exported)
    assert {r["resourceType"] for r in exported.resources.values()} >= SERVED
    assert set(results) == set(exported.resources) | set(INVALID)
    for control in INVALID:  # the validator does check: each broken control is an error
        assert any(i["severity"] == "error" for i in results[control]["issues"]), results[control]
    found = [f"{name} {i['severity']} {i['location']}: {i['message']}"
             for name, result in results.items() if name not in INVALID
             for i in result["issues"] if _unexpected(i)]
    assert found == [], f"{len(found)} issue(s):\n" + "\n".join(found[:60])
