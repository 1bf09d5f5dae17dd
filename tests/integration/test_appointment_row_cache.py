"""The appointment row cache with two API processes and the projections in a third (D78):
the process that did not write has the row cached; with the writer's consistency token it reads
the new state and the erasure at once (its wait confirms the view's position, and no cached row
older than that is served); without a token it stops serving the erased patient's visit as soon
as its log listener has seen the erasure."""

from __future__ import annotations

from pathlib import Path

from tests.support.api import Caller, assert_error, create_patient, invite, schedule
from tests.support.polling import until
from tests.support.processes import CliProcess, QUIET, fresh_database, server_level
from tests.support.server import ServerProcess, read_from_cache, try_register

TOKEN = "X-Consistency-Token"


def test_a_process_that_did_not_write_serves_the_write_and_the_erasure(database_url: str, tmp_path: Path) -> None:
    url = fresh_database(server_level(database_url))
    env = {**QUIET, "MEDISYNC_RUN_PROJECTIONS": "false", "MEDISYNC_JWT_KEY_FILE": str(tmp_path / "jwt.json")}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    projector = CliProcess(["project"], {"MEDISYNC_DATA_DIR": str(tmp_path / "a"), "MEDISYNC_DATABASE_URL": url,
                                         **QUIET}, tmp_path).start()
    first, second = ServerProcess(tmp_path / "a", url, env).start(), ServerProcess(tmp_path / "b", url, env).start()
    try:
        admin = until(lambda: try_register(first), "registration (the projections are in another process)")
        doctor = invite(admin, "doctor", "row-cache")
        patient = create_patient(admin)
        appointment = schedule(admin, patient["id"], doctor.id)
        path = f"/appointments/get/{appointment['id']}"
        elsewhere = Caller(second.api, doctor.token, doctor.user)
        until(lambda: elsewhere.get(path).status_code == 200, "the second process to read the visit")
        cached = read_from_cache(second, lambda: elsewhere.get(path))  # in the process that did not write
        assert cached.json()["data"]["status"] == "scheduled"
        checked_in = admin.post(f"/appointments/{appointment['id']}/check-in")
        assert checked_in.status_code == 200, checked_in.text
        now = elsewhere.get(path, headers={TOKEN: checked_in.headers[TOKEN]})
        assert now.status_code == 200 and now.json()["data"]["status"] == "checked_in"
        erased = admin.delete(f"/patients/{patient['id']}", params={"erase": "true", "reason": "GDPR ticket 78"})
        assert erased.status_code == 204, erased.text
        assert_error(elsewhere.get(path, headers={TOKEN: erased.headers[TOKEN]}), 404)
        until(lambda: elsewhere.get(path).status_code == 404, "the second process to stop serving the visit")
    finally:
        first.stop()
        second.stop()
        projector.stop()
