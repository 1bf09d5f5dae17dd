"""Double booking under real concurrency: parallel HTTP requests against the
real server and Postgres; the DoctorSchedule admits exactly one."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.support.api import assert_error, create_patient, invite, register_practice
from tests.support.server import ServerProcess

PARALLEL = 20


def test_parallel_overlapping_bookings_admit_exactly_one(server: ServerProcess) -> None:
    admin = register_practice(server.api, "concurrency")
    doctor = invite(admin, "doctor")
    patients = [create_patient(admin) for _ in range(4)]
    # Every request overlaps every other: starts spread over 20 minutes, 30 minutes long.
    bodies = [{"patient_id": patients[i % len(patients)]["id"], "doctor_id": doctor.id,
               "start": f"2027-03-01T10:{i:02d}:00+00:00", "duration_minutes": 30,
               "type": "follow_up", "reason": f"race {i}"} for i in range(PARALLEL)]
    barrier = threading.Barrier(PARALLEL)

    def book(body: dict[str, object]) -> requests.Response:
        barrier.wait()
        return requests.post(f"{server.api}/appointments/add", json=body, headers=admin.headers, timeout=120)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        responses = list(pool.map(book, bodies))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (PARALLEL - 1), [r.text for r in responses if r.status_code not in (201, 409)]
    (winner,) = [r.json()["data"] for r in responses if r.status_code == 201]
    for refused in (r for r in responses if r.status_code == 409):
        error = assert_error(refused, 409, "conflict")
        assert error["details"] == {"conflicting_appointment_id": winner["id"]}
    assert winner["doctor_id"] == doctor.id and winner["status"] == "scheduled"
    assert winner["reason"] in {b["reason"] for b in bodies}

    for caller, query in ((doctor, {}), (admin, {"doctor_id": doctor.id})):
        listed = caller.get("/appointments/doctors", params=query)
        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert [a["id"] for a in body["data"]] == [winner["id"]]
        assert body["meta"]["pagination"]["total"] == 1


def test_parallel_non_overlapping_bookings_all_succeed(server: ServerProcess) -> None:
    admin = register_practice(server.api, "concurrency-ok")
    doctor = invite(admin, "doctor")
    patient = create_patient(admin)
    count = 8
    bodies = [{"patient_id": patient["id"], "doctor_id": doctor.id,
               "start": f"2027-03-02T{8 + i:02d}:00:00+00:00", "duration_minutes": 60,
               "type": "consultation", "reason": f"slot {i}"} for i in range(count)]
    barrier = threading.Barrier(count)

    def book(body: dict[str, object]) -> requests.Response:
        barrier.wait()
        return requests.post(f"{server.api}/appointments/add", json=body, headers=admin.headers, timeout=120)

    with ThreadPoolExecutor(max_workers=count) as pool:
        responses = list(pool.map(book, bodies))
    assert [r.status_code for r in responses] == [201] * count, [r.text for r in responses]
    listed = doctor.get("/appointments/doctors", params={"per_page": 50})
    assert listed.status_code == 200
    assert sorted(a["reason"] for a in listed.json()["data"]) == sorted(b["reason"] for b in bodies)
