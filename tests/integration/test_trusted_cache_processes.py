"""Two API processes booking on one doctor's calendar (D54): each trusts its
aggregate cache, so one may decide on a schedule the other has just changed;
the version constraint catches it and the re-run reads the fresh schedule. No
double booking, and every free slot is still booked."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import Caller, assert_error, create_patient, invite, register_practice
from tests.support.processes import QUIET, fresh_database, server_level
from tests.support.server import ServerProcess


def test_no_double_booking_across_processes_with_trusted_caches(database_url: str, tmp_path: Path) -> None:
    url = fresh_database(server_level(database_url))
    env = {**QUIET, "MEDISYNC_JWT_KEY_FILE": str(tmp_path / "jwt.json")}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    first = ServerProcess(tmp_path / "a", url, env).start()
    second = ServerProcess(tmp_path / "b", url, env).start()
    try:
        admin = register_practice(first.api, "trusted")
        doctor = invite(admin, "doctor", "trusted")
        patient = create_patient(admin)
        via = {"a": admin, "b": Caller(second.api, admin.token, admin.user)}
        taken = []
        for hour in range(9, 15):  # alternate processes; each books the next slot, then re-tries the last
            mine, other = (via["a"], via["b"]) if hour % 2 else (via["b"], via["a"])
            start = f"2027-02-01T{hour:02d}:00:00+00:00"
            assert _book(mine, patient["id"], doctor.id, start).status_code == 201
            taken.append(start)
            assert_error(_book(other, patient["id"], doctor.id, start), 409)  # the other knew nothing of it
        listed = admin.get("/appointments/doctors", params={"doctor_id": doctor.id, "per_page": 100})
        starts = sorted(a["start"] for a in listed.json()["data"])
        assert len(starts) == len(taken) == len(set(starts))
    finally:
        first.stop()
        second.stop()


def _book(caller: Caller, patient_id: str, doctor_id: str, start: str):  # type: ignore[no-untyped-def]
    body = {"patient_id": patient_id, "doctor_id": doctor_id, "start": start, "duration_minutes": 30,
            "type": "follow_up", "reason": "check"}
    return caller.post("/appointments/add", json=body)
