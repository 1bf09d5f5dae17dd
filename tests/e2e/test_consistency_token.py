"""Consistency tokens on the embedded default (D52): every command answers with
its token, a read that carries it sees the write, a malformed token is 400."""

from __future__ import annotations

from tests.support.api import assert_error, create_patient, register_practice

TOKEN = "X-Consistency-Token"


def test_a_command_answers_with_a_token_and_a_read_with_it_sees_the_write(api: str) -> None:
    admin = register_practice(api, "token-e2e")
    patient = create_patient(admin)
    changed = admin.patch(f"/patients/{patient['id']}", json={"first_name": "Renamed"})
    assert changed.status_code == 200, changed.text
    token = changed.headers[TOKEN]
    assert int(token) > 0
    read = admin.get(f"/patients/{patient['id']}", headers={TOKEN: token})
    assert read.status_code == 200, read.text
    assert read.json()["data"]["first_name"] == "Renamed"
    assert read.json()["data"]["version"] == changed.json()["data"]["version"]
    later = admin.patch(f"/patients/{patient['id']}", json={"first_name": "Again"})
    assert int(later.headers[TOKEN]) > int(token)  # the log only grows


def test_a_malformed_token_is_refused(api: str) -> None:
    admin = register_practice(api, "token-bad")
    patient = create_patient(admin)
    refused = admin.get(f"/patients/{patient['id']}", headers={TOKEN: "soon"})
    assert_error(refused, 400, "validation_error")


def test_a_command_with_a_malformed_token_is_refused_before_it_records_anything(api: str) -> None:
    admin = register_practice(api, "token-bad-command")
    patient = create_patient(admin)
    refused = admin.patch(f"/patients/{patient['id']}", json={"first_name": "Never"}, headers={TOKEN: "soon"})
    assert_error(refused, 400, "validation_error")
    body = {"mrn": "MRN-TOKEN-1", "first_name": "Nobody", "last_name": "Recorded", "date_of_birth": "1990-01-01",
            "sex": "female", "phone": "+1-555-0100"}
    assert_error(admin.post("/patients", json=body, headers={TOKEN: "-1"}), 400, "validation_error")
    current = admin.get(f"/patients/{patient['id']}")
    assert current.status_code == 200 and current.json()["data"]["first_name"] != "Never"
    assert current.json()["data"]["version"] == patient["version"]
    listed = admin.get("/patients")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["data"]] == [patient["id"]]  # the refused create recorded nothing
    assert admin.post("/patients", json=body).status_code == 201  # the same body, without the bad token
