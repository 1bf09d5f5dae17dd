"""Optimistic concurrency over HTTP: single-resource GETs carry the aggregate
version as a strong ETag; commands honour If-Match against the event store
(not the read model) and answer 412 when stale; of concurrent updates sent
with the same If-Match exactly one wins and nothing is silently lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import psycopg
import pytest
import requests

from tests.support.api import (SOAP, Caller, assert_error, create_patient, invite, register_practice, schedule,
                               upload_document)
from tests.support.server import ServerProcess

_slot = iter(range(10_000))


def start() -> str:
    index = next(_slot)
    return f"2030-{1 + index // 200:02d}-{1 + (index // 8) % 25:02d}T{8 + index % 8:02d}:00:00+00:00"


@pytest.fixture(scope="module")
def team(server: ServerProcess) -> dict[str, Caller]:
    admin = register_practice(server.api, "occ")
    return {"admin": admin, "doctor": invite(admin, "doctor", "occ"),
            "other": register_practice(server.api, "occ-other")}


def etag_of(response: requests.Response) -> str:
    assert response.status_code in (200, 201), response.text
    return response.headers["ETag"]


def race(parallel: int, send: Callable[[int], requests.Response]) -> list[requests.Response]:
    barrier = threading.Barrier(parallel)

    def go(index: int) -> requests.Response:
        barrier.wait()
        return send(index)

    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(go, range(parallel)))


def test_single_resources_carry_their_version_as_etag(team: dict[str, Caller]) -> None:
    admin, doctor = team["admin"], team["doctor"]
    patient = create_patient(admin)
    got = admin.get(f"/patients/{patient['id']}")
    assert got.headers["ETag"] == f'"{patient["version"]}"' == f'"{got.json()["data"]["version"]}"'
    patched = admin.patch(f"/patients/{patient['id']}", json={"phone": "+1-555-0111"})
    assert patched.headers["ETag"] == f'"{patient["version"] + 1}"'
    assert etag_of(admin.get(f"/patients/{patient['id']}")) == patched.headers["ETag"]
    added = admin.post(f"/patients/{patient['id']}/history", json={"kind": "allergy", "description": "Dust"})
    assert added.status_code == 201  # a history entry is an event of the patient: its version moves on
    assert etag_of(admin.get(f"/patients/{patient['id']}")) == f'"{patient["version"] + 2}"'
    appointment = schedule(admin, patient["id"], doctor.id, start=start())
    assert etag_of(admin.get(f"/appointments/get/{appointment['id']}")) == f'"{appointment["version"]}"'
    document = upload_document(admin, patient["id"])
    assert etag_of(admin.get(f"/documents/{document['id']}")) == f'"{document["version"]}"'
    written = doctor.post(f"/notes/add/{appointment['id']}", json=SOAP)
    note_tag = etag_of(doctor.get(f"/notes/{appointment['id']}"))
    assert written.headers["ETag"] == note_tag
    assert etag_of(admin.get("/auth/me")).strip('"').isdigit()
    for listing in ("/patients", "/appointments/doctors", f"/documents?patient_id={patient['id']}"):
        assert "ETag" not in admin.get(listing).headers


def test_stale_if_match_is_412_and_changes_nothing(team: dict[str, Caller]) -> None:
    admin = team["admin"]
    patient = create_patient(admin, first_name="Original")
    tag = etag_of(admin.get(f"/patients/{patient['id']}"))
    fresh = admin.patch(f"/patients/{patient['id']}", json={"first_name": "First"}, headers={"If-Match": tag})
    assert fresh.status_code == 200, fresh.text
    stale = admin.patch(f"/patients/{patient['id']}", json={"first_name": "Second"}, headers={"If-Match": tag})
    error = assert_error(stale, 412, "precondition_failed")
    assert error["details"]["current_version"] == int(fresh.headers["ETag"].strip('"'))
    now = admin.get(f"/patients/{patient['id']}")
    assert now.json()["data"]["first_name"] == "First" and now.headers["ETag"] == fresh.headers["ETag"]
    for refused in (admin.post(f"/patients/{patient['id']}/history", json={"kind": "allergy", "description": "x"},
                               headers={"If-Match": tag}),
                    admin.delete(f"/patients/{patient['id']}", headers={"If-Match": tag})):
        assert_error(refused, 412, "precondition_failed")
    assert admin.get(f"/patients/{patient['id']}/history").json()["data"] == []
    assert admin.get(f"/patients/{patient['id']}").json()["data"]["archived"] is False


def test_if_match_forms(team: dict[str, Caller]) -> None:
    admin = team["admin"]
    patient = create_patient(admin)
    url = f"/patients/{patient['id']}"

    def patch(if_match: str) -> requests.Response:
        return admin.patch(url, json={"phone": "+1-555-0199"}, headers={"If-Match": if_match})

    assert patch("*").status_code == 200
    current = etag_of(admin.get(url))
    assert_error(patch(f"W/{current}"), 412, "precondition_failed")  # weak tags never match
    assert_error(patch(current.strip('"')), 412, "precondition_failed")  # unquoted is not an entity tag
    assert_error(patch('"abc"'), 412, "precondition_failed")
    assert patch(f'"999", {current}').status_code == 200  # any listed tag may match


def test_another_practice_still_gets_404_not_412(team: dict[str, Caller]) -> None:
    patient = create_patient(team["admin"])
    response = team["other"].patch(f"/patients/{patient['id']}", json={"phone": "x"}, headers={"If-Match": '"999"'})
    assert_error(response, 404, "not_found")


def test_if_match_on_a_note_that_does_not_exist_yet_is_412(team: dict[str, Caller]) -> None:
    admin, doctor = team["admin"], team["doctor"]
    appointment = schedule(admin, create_patient(admin)["id"], doctor.id, start=start())
    response = doctor.post(f"/notes/add/{appointment['id']}", json=SOAP, headers={"If-Match": '"1"'})
    assert_error(response, 412, "precondition_failed")
    assert_error(doctor.get(f"/notes/{appointment['id']}"), 404, "not_found")


@pytest.mark.parametrize("parallel", [2, 6])
def test_concurrent_patches_with_the_same_if_match_have_exactly_one_winner(
        team: dict[str, Caller], database_url: str, parallel: int) -> None:
    admin = team["admin"]
    for _ in range(3):
        patient = create_patient(admin)
        tag = etag_of(admin.get(f"/patients/{patient['id']}"))
        responses = race(parallel, lambda i: admin.patch(
            f"/patients/{patient['id']}", json={"phone": f"+1-555-01{i:02d}"}, headers={"If-Match": tag}))
        winners = [r for r in responses if r.status_code == 200]
        assert len(winners) == 1, [r.status_code for r in responses]
        for loser in (r for r in responses if r.status_code != 200):
            assert_error(loser, 412, "precondition_failed")
        final = admin.get(f"/patients/{patient['id']}").json()["data"]
        assert final["phone"] == winners[0].json()["data"]["phone"]
        assert _events(database_url, patient["id"]) == int(tag.strip('"')) + 1


def test_concurrent_appointment_changes_and_note_writes(team: dict[str, Caller], database_url: str) -> None:
    admin, doctor = team["admin"], team["doctor"]
    appointment = schedule(admin, create_patient(admin)["id"], doctor.id, start=start())
    tag = etag_of(admin.get(f"/appointments/get/{appointment['id']}"))
    moves = race(4, lambda i: admin.post(f"/appointments/{appointment['id']}/reschedule",
                                         json={"start": start(), "duration_minutes": 30}, headers={"If-Match": tag}))
    assert sorted(r.status_code for r in moves) == [200, 412, 412, 412]
    assert doctor.post(f"/notes/add/{appointment['id']}", json=SOAP).status_code == 201
    note_tag = etag_of(doctor.get(f"/notes/{appointment['id']}"))
    writes = race(3, lambda i: doctor.post(f"/notes/add/{appointment['id']}", json={"plan": f"Plan {i}"},
                                           headers={"If-Match": note_tag}))
    assert sorted(r.status_code for r in writes) == [200, 412, 412]
    note = doctor.get(f"/notes/{appointment['id']}").json()["data"]
    assert len(note["versions"]) == 2


def test_without_if_match_concurrent_updates_are_all_recorded(team: dict[str, Caller], database_url: str) -> None:
    """No precondition: every update is applied in turn (none is lost), the last one shows."""
    admin = team["admin"]
    patient = create_patient(admin)
    responses = race(5, lambda i: admin.patch(f"/patients/{patient['id']}", json={"phone": f"+1-555-02{i:02d}"}))
    assert [r.status_code for r in responses] == [200] * 5
    assert _events(database_url, patient["id"]) == patient["version"] + 5


def _events(database_url: str, aggregate_id: str) -> Any:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM medisync_events WHERE originator_id = %s",
                           (aggregate_id,)).fetchone()
    assert row is not None
    return row[0]
