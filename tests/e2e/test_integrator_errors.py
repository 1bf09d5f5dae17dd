"""Error messages that say what to do (issue 18 s3, D44)."""

from __future__ import annotations

import re

import pytest
import requests

from tests.support.api import Caller, assert_error, create_patient, invite, register_practice, schedule
from tests.support.audio import wav_bytes
from tests.support.server import ServerProcess


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> Caller:
    return register_practice(server.api, "integrator")


def test_a_file_in_the_wrong_field_is_400_naming_the_field_file(admin: Caller) -> None:
    doctor = invite(admin, "doctor")
    appointment = schedule(admin, create_patient(admin)["id"], doctor.id, start="2027-10-01T09:00:00+00:00")
    big = wav_bytes(2.0)  # over the 4 kB a form field may hold: this answered 413 before
    response = doctor.post(f"/recordings/{appointment['id']}", files={"audio": ("visit.wav", big, "audio/wav")})
    error = assert_error(response, 400, "validation_error")
    assert "form field 'file'" in error["message"] and "'audio'" in error["message"]
    assert set(error["details"]["fields"]) == {"file"}


def test_a_time_without_an_offset_is_refused_with_an_example(admin: Caller) -> None:
    doctor = invite(admin, "doctor")
    patient = create_patient(admin)
    response = admin.post("/appointments/add", json={"patient_id": patient["id"], "doctor_id": doctor.id,
                                                     "start": "2027-10-02T09:00:00", "duration_minutes": 30,
                                                     "type": "follow_up"})
    [message] = assert_error(response, 400, "validation_error")["details"]["fields"]["start"]
    assert "ISO 8601" in message and "Z or a UTC offset" in message and "2027-01-04T09:00:00Z" in message
    listed = admin.get("/appointments/doctors", params={"date_from": "tomorrow"})
    assert "ISO 8601" in assert_error(listed, 400, "validation_error")["details"]["fields"]["date_from"][0]


def test_invalid_json_names_the_line_and_column(admin: Caller, server: ServerProcess) -> None:
    raw = b'{\n  "mrn": "M-1",\n  "first_name": \n}'
    response = requests.post(f"{server.api}/patients", data=raw, timeout=10,
                             headers={**admin.headers, "Content-Type": "application/json"})
    error = assert_error(response, 400, "validation_error")
    assert "line 4, column 1" in error["message"] and error["details"] == {"line": 4, "column": 1}


def test_no_body_at_all_is_judged_by_the_schema_not_refused_as_a_media_type(admin: Caller) -> None:
    missing = assert_error(admin.post("/patients"), 400, "validation_error")
    assert "mrn" in missing["details"]["fields"]
    patient = create_patient(admin)
    assert admin.patch(f"/patients/{patient['id']}").status_code == 200  # every field is optional


def test_405_lists_the_allowed_methods(admin: Caller, server: ServerProcess) -> None:
    for method, path in (("PUT", "/patients"), ("DELETE", "/auth/login"), ("POST", "/fhir/metadata")):
        response = requests.request(method, f"{server.api}{path}", headers=admin.headers, timeout=10)
        assert response.status_code == 405, (method, path, response.text)
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert method not in allowed and allowed, (method, path)
    assert {m.strip() for m in requests.put(f"{server.api}/patients", headers=admin.headers, timeout=10)
            .headers["Allow"].split(",")} >= {"GET", "POST"}


def test_a_fhir_page_beyond_the_last_possible_is_400_not_500(admin: Caller) -> None:
    """Found by the fuzzer once the FHIR operations were in the document: the offset overflowed."""
    response = admin.get("/fhir/Patient", params={"page": "202286379575873372160"})
    assert response.status_code == 400, response.text
    assert response.json()["resourceType"] == "OperationOutcome"
    assert admin.get("/fhir/Patient", params={"page": "100000"}).status_code == 200


def test_a_static_path_allows_its_own_methods_not_those_of_a_pattern_it_matches(
        admin: Caller, server: ServerProcess) -> None:
    """Found by schemathesis's CLI (ST205, D61): /users/invitations also offered PATCH, the method
    of /users/{user_id}; /notes/templates/defaults offered PATCH and DELETE."""
    for path, methods in (("/users/invitations", {"POST"}), ("/notes/templates/defaults", {"GET", "HEAD", "PUT"}),
                          ("/fhir/Patient", {"GET", "HEAD", "POST"})):
        response = requests.request("OPTIONS", f"{server.api}{path}", headers=admin.headers, timeout=10)
        assert response.status_code == 405, (path, response.text)
        assert {m.strip() for m in response.headers["Allow"].split(",")} == methods, path
    dynamic = requests.request("OPTIONS", f"{server.api}/users/{admin.id}", headers=admin.headers, timeout=10)
    assert {m.strip() for m in dynamic.headers["Allow"].split(",")} == {"PATCH"}


def test_multipart_without_a_boundary_is_400_not_500(admin: Caller, server: ServerProcess) -> None:
    """Found by schemathesis's CLI (ST102, D61): the multipart parser's ValueError was a 500."""
    for content_type in ("multipart/form-data", f"multipart/form-data; boundary={'b' * 71}"):
        response = requests.post(f"{server.api}/documents", data=b"--x\r\n", timeout=10,
                                 headers={**admin.headers, "Content-Type": content_type})
        assert "boundary" in assert_error(response, 400, "bad_request")["message"], content_type


def test_json_bodies_take_the_json_types_the_document_names(admin: Caller) -> None:
    """Found by schemathesis's CLI (ST201, D61): `"active": 0` deactivated a user, and "30" was
    read as an integer; the document says boolean and integer."""
    nurse = invite(admin, "nurse")
    refused = admin.patch(f"/users/{nurse.id}", json={"active": 0})
    assert "active" in assert_error(refused, 400, "validation_error")["details"]["fields"]
    assert nurse.get("/auth/me").status_code == 200  # still active
    doctor = invite(admin, "doctor")
    body = {"patient_id": create_patient(admin)["id"], "doctor_id": doctor.id, "start": "2027-10-03T09:00:00Z",
            "duration_minutes": "30", "type": "follow_up"}
    assert "duration_minutes" in assert_error(admin.post("/appointments/add", json=body), 400,
                                              "validation_error")["details"]["fields"]


def test_the_document_says_what_text_is_refused(server: ServerProcess) -> None:
    """Found by schemathesis's CLI (ST202, D61): an MRN with a NUL, and a first name of one
    U+001E (stripped to nothing), were schema-valid, and refused."""
    spec = requests.get(f"{server.api}/openapi.json", timeout=30).json()
    fields = spec["components"]["schemas"]["PatientCreate"]["properties"]
    name, phone = re.compile(fields["first_name"]["pattern"]), re.compile(fields["phone"]["pattern"])
    assert not name.match("M\x00") and not name.match(" \x1e\u3000 ") and name.match(" Ada ")
    assert not phone.match("+1\x00") and phone.match("")
    [name] = [p for p in spec["paths"]["/api/v1/fhir/Patient"]["get"]["parameters"] if p.get("name") == "name"]
    assert name["schema"]["maxLength"] == 100  # the stateful phase sent a longer one: 400, undocumented


def test_a_fhir_name_search_longer_than_documented_is_400(admin: Caller) -> None:
    response = admin.get("/fhir/Patient", params={"name": "a" * 101})
    assert response.status_code == 400 and response.json()["resourceType"] == "OperationOutcome"
    assert admin.get("/fhir/Patient", params={"name": "a" * 100}).status_code == 200


def test_a_utc_offset_postgres_cannot_hold_is_taken_as_utc(admin: Caller) -> None:
    """Found by schemathesis's CLI (D61): RFC 3339 allows offsets up to 23:59, Postgres up to 15:59.
    An appointment at +22:47 was recorded and then stalled the appointments view for good: every
    later booking answered 202. Times are now taken as UTC at the door."""
    doctor = invite(admin, "doctor")
    first = schedule(admin, create_patient(admin)["id"], doctor.id, start="2031-05-06T21:01:00+22:47")
    assert first["start"].startswith("2031-05-05T22:14:00")
    later = schedule(admin, create_patient(admin)["id"], doctor.id, start="2031-05-07T09:00:00Z")  # 201, not 202
    assert admin.get(f"/appointments/get/{later['id']}").status_code == 200


def test_an_admin_cannot_deactivate_or_demote_themselves(server: ServerProcess) -> None:
    first = register_practice(server.api, "selfadmin")
    for change in ({"active": False}, {"role": "doctor"}):
        refused = first.patch(f"/users/{first.id}", json=change)
        assert_error(refused, 409, "conflict")
        assert "another admin" in refused.json()["error"]["message"]
    assert first.get("/users").status_code == 200  # still an admin, still active
    second = invite(first, "admin", "second-admin")
    demoted = second.patch(f"/users/{first.id}", json={"role": "doctor"})
    assert demoted.status_code == 200, demoted.text  # another admin may
