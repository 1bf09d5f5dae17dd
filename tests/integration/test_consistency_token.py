"""Read-your-writes by consistency token (D52), with the projector in its own process.

The API answers a command with ``X-Consistency-Token``; a GET that sends it
back is answered only once the view serving it has passed the token, so a
client that writes and then reads with its token sees its write, even when
the read model lags (here: its projector is stopped, then started again).
"""

from __future__ import annotations

from pathlib import Path

from tests.support.api import Caller, assert_error, create_patient, register_practice
from tests.support.polling import until
from tests.support.processes import CliProcess, QUIET, api_dir, fresh_database, server_level
from tests.support.server import ServerProcess

TOKEN = "X-Consistency-Token"


def test_a_read_with_the_token_sees_the_write_even_while_the_view_lags(database_url: str,
                                                                      tmp_path: Path) -> None:
    url = fresh_database(server_level(database_url))
    env = {**QUIET, "MEDISYNC_RUN_PROJECTIONS": "false", "MEDISYNC_READ_YOUR_WRITES_TIMEOUT_S": "0.5"}
    projector_env = {"MEDISYNC_DATA_DIR": str(tmp_path / "api"), "MEDISYNC_DATABASE_URL": url, **QUIET}
    api_dir(tmp_path)
    projector = CliProcess(["project"], projector_env, tmp_path).start()
    server = ServerProcess(tmp_path / "api", url, env).start()
    try:
        admin: Caller = until(lambda: _register(server), "registration")
        patient = create_patient(admin, first_name="Before")
        projector.stop()  # from now on the read model lags every write
        changed = admin.patch(f"/patients/{patient['id']}", json={"first_name": "After"})
        assert changed.status_code == 202, changed.text  # recorded, not yet visible
        token = changed.headers[TOKEN]
        assert token.isdigit()
        stale = admin.get(f"/patients/{patient['id']}")  # no token: whatever the view holds now
        assert stale.json()["data"]["first_name"] == "Before"
        waiting = admin.get(f"/patients/{patient['id']}", headers={TOKEN: token})
        assert_error(waiting, 503, "read_model_behind")  # never the stale row
        projector = CliProcess(["project"], projector_env, tmp_path).start()
        seen = until(lambda: _read_with(admin, patient["id"], token), "the projector to pass the token")
        assert seen["first_name"] == "After"
    finally:
        server.stop()
        projector.stop()


def _register(server: ServerProcess) -> Caller | None:
    try:
        return register_practice(server.api, "token")
    except AssertionError:
        return None


def _read_with(caller: Caller, patient_id: str, token: str) -> dict | None:
    response = caller.get(f"/patients/{patient_id}", headers={TOKEN: token})
    return response.json()["data"] if response.status_code == 200 else None
