"""Retention: deleting a recording's audio keeps its transcript and the note;
`medisync retention run` deletes raw audio older than the retention period
and records each deletion as a system event with reason "retention"."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.support.api import Caller, assert_error, create_patient, invite, register_practice, schedule, wait_for_transcript
from tests.support.processes import fresh_database
from tests.support.server import REPO, ServerProcess, start_or_stop, stored_blobs


@pytest.fixture(scope="module")
def retention_server(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[ServerProcess]:
    server = start_or_stop(ServerProcess(tmp_path_factory.mktemp("retention"), fresh_database(database_url),
                                         {"MEDISYNC_KAFKA_BOOTSTRAP": ""}))
    yield server
    server.stop()


_wait_for_transcript = wait_for_transcript


def _upload(doctor: Caller, appointment_id: str, wav: Path) -> dict[str, Any]:
    with open(wav, "rb") as audio:
        response = doctor.post(f"/recordings/{appointment_id}", files={"file": ("visit.wav", audio)})
    assert response.status_code == 201, response.text
    return response.json()["data"]


def _wait_until_listed(doctor: Caller, appointment_id: str, expected: list[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        listed = [r["id"] for r in doctor.get(f"/recordings/{appointment_id}").json()["data"]]
        if listed == expected or time.monotonic() > deadline:
            assert listed == expected
            return
        time.sleep(0.1)


def _retention(server: ServerProcess, *args: str, days: str | None = "30") -> str:
    env = {**server.env, "MEDISYNC_LOG_FORMAT": "text", "MEDISYNC_ML_ENABLED": "false",
           "MEDISYNC_DB_POOL_SIZE": "2"}
    if days is not None:
        env["MEDISYNC_AUDIO_RETENTION_DAYS"] = days
    done = subprocess.run([sys.executable, "-m", "medisync.interface.cli", "retention", "run", *args],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    return done.stdout


def test_deleting_the_audio_keeps_the_transcript_and_the_note(retention_server: ServerProcess,
                                                             dialogue_wav: Path) -> None:
    admin = register_practice(retention_server.api, "keepadmin")
    doctor, auditor = invite(admin, "doctor"), invite(admin, "auditor")
    appointment = schedule(admin, create_patient(admin)["id"], doctor.id)
    aid = appointment["id"]
    recording = _upload(doctor, aid, dialogue_wav)
    transcript = _wait_for_transcript(doctor, aid)
    assert transcript["status"] == "completed" and transcript["text"]
    # 200 when the ML worker has already drafted the note, 201 otherwise
    assert doctor.post(f"/notes/add/{aid}", json={"subjective": "Thirsty for two weeks."}).status_code in (200, 201)

    deleted = doctor.delete(f"/recordings/{aid}", params={"reason": "patient withdrew consent for audio"})
    assert deleted.status_code == 204, deleted.text
    assert_error(doctor.get(f"/recordings/{aid}/audio"), 404)
    kept = doctor.get(f"/transcriptions/{aid}")
    assert kept.status_code == 200 and kept.json()["data"]["text"] == transcript["text"]
    note = doctor.get(f"/notes/{aid}")
    assert note.status_code == 200 and note.json()["data"]["current"]["subjective"] == "Thirsty for two weeks."

    history = auditor.get(f"/audit/aggregates/{recording['id']}/history").json()["data"]
    last = history["events"][-1]
    assert last["event_type"] == "Recording.Deleted" and last["actor"]["user_id"] == doctor.id
    assert last["data"]["phi"] == {"reason": "patient withdrew consent for audio"}


def test_retention_deletes_only_audio_older_than_the_period(retention_server: ServerProcess,
                                                            dialogue_wav: Path) -> None:
    admin = register_practice(retention_server.api, "retainadmin")
    doctor, auditor = invite(admin, "doctor"), invite(admin, "auditor")
    appointment = schedule(admin, create_patient(admin)["id"], doctor.id, start="2027-02-01T10:00:00+00:00")
    recording = _upload(doctor, appointment["id"], dialogue_wav)

    fresh = _retention(retention_server)
    assert "deleted the audio of 0 recording(s)" in fresh
    assert doctor.get(f"/recordings/{appointment['id']}/audio").status_code == 200

    later = (datetime.now(timezone.utc) + timedelta(days=31)).isoformat()
    preview = _retention(retention_server, "--as-of", later, "--dry-run")
    assert recording["id"] in preview
    assert doctor.get(f"/recordings/{appointment['id']}/audio").status_code == 200  # a dry run changes nothing

    done = _retention(retention_server, "--as-of", later)
    assert "retention 30 days" in done and "deleted the audio of 1 recording(s)" in done
    _wait_until_listed(doctor, appointment["id"], [])  # the read model follows the CLI's event
    assert_error(doctor.get(f"/recordings/{appointment['id']}/audio"), 404)
    assert stored_blobs(retention_server.data_dir, recording["sha256"]) == []

    history = auditor.get(f"/audit/aggregates/{recording['id']}/history").json()["data"]
    last = history["events"][-1]
    assert last["event_type"] == "Recording.Deleted"
    assert last["actor"]["user_id"] == "system" and last["request_id"].startswith("retention-")
    assert last["data"]["phi"] == {"reason": "retention"}

    again = _retention(retention_server, "--as-of", later)
    assert "deleted the audio of 0 recording(s)" in again  # nothing twice


def test_retention_needs_a_period(retention_server: ServerProcess) -> None:
    env = {**retention_server.env, "MEDISYNC_LOG_FORMAT": "text", "MEDISYNC_AUDIO_RETENTION_DAYS": ""}
    done = subprocess.run([sys.executable, "-m", "medisync.interface.cli", "retention", "run"],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "MEDISYNC_AUDIO_RETENTION_DAYS" in done.stderr
