"""``kill -9`` the API while recordings are arriving (issue 15, crash safety of the data directory).

Real Postgres, the real server as a subprocess, real audio. Two uploads finish
(201) and three are held half-sent by a slow client; the server is SIGKILLed
once it has spooled bytes of each held upload (a condition, not a delay), then
started again. What must hold: every acknowledged recording is readable with
its bytes, the held ones left no record, startup swept their half-written
files out of staging (and logged it without PHI), and ``medisync audit
verify`` finds no missing, changed or unreferenced file, with no grace period.
"""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from tests.support.api import Caller, create_patient, invite, register_practice, schedule
from tests.support.audio import short_clip
from tests.support.polling import until
from tests.support.processes import QUIET, api_dir, fresh_database, server_level
from tests.support.server import REPO, ServerProcess

FINISHED, HELD = 2, 3


def test_api_killed_mid_upload_leaves_no_half_written_file(database_url: str, tmp_path: Path) -> None:
    url = fresh_database(server_level(database_url))
    data_dir = api_dir(tmp_path)
    clip = short_clip(tmp_path / "clip.wav", 8.0).read_bytes()
    server = ServerProcess(data_dir, url, QUIET).start()
    admin = register_practice(server.api, "crash")
    doctor = invite(admin, "doctor", "crash")
    patient = create_patient(admin, first_name="Crashtest", last_name="Kowalczyk")
    visits = [schedule(admin, patient["id"], doctor.id, start=f"2027-03-0{day}T09:00:00+00:00")["id"]
              for day in range(1, FINISHED + HELD + 1)]
    release = threading.Event()
    with ThreadPoolExecutor(FINISHED + HELD) as pool:
        held = [pool.submit(_held_upload, server, doctor, visit, clip, release) for visit in visits[FINISHED:]]
        done = [pool.submit(_upload, doctor, visit, clip) for visit in visits[:FINISHED]]
        acknowledged = [future.result() for future in done]
        until(lambda: len(_spooled(data_dir)) == HELD, "the server to spool bytes of every held upload", every=0.02)
        _kill9(server)
        release.set()
        held_answers = [_answer(future) for future in held]
    half_written = _spooled(data_dir)

    assert acknowledged == [201] * FINISHED
    assert held_answers == [None] * HELD  # the connection died: never acknowledged
    assert len(half_written) == HELD and all(0 < p.stat().st_size < len(clip) for p in half_written)

    server.start()
    try:
        _assert_recovered(server, doctor, visits, clip, patient)
    finally:
        server.stop()


def _upload(doctor: Caller, appointment_id: str, clip: bytes) -> int:
    return doctor.post(f"/recordings/{appointment_id}", files={"file": ("visit.wav", clip, "audio/wav")}).status_code


def _held_upload(server: ServerProcess, doctor: Caller, appointment_id: str, clip: bytes,
                 release: threading.Event) -> int:
    """Send the multipart head and half the audio, then wait for ``release`` before the rest."""
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="visit.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        conn.putrequest("POST", f"/api/v1/recordings/{appointment_id}")
        conn.putheader("Authorization", f"Bearer {doctor.token}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(head) + len(clip) + len(tail)))
        conn.endheaders()
        conn.send(head + clip[: len(clip) // 2])
        release.wait(300)  # bounded: a safety net, the test sets it right after the kill
        conn.send(clip[len(clip) // 2:] + tail)
        return conn.getresponse().status
    finally:
        conn.close()


def _answer(future: Future[int]) -> int | None:
    try:
        return future.result()
    except (OSError, http.client.HTTPException):
        return None


def _spooled(data_dir: Path) -> list[Path]:
    """Spooled uploads with bytes in them (the processes' lock files aside)."""
    staging = data_dir / "blobs" / "staging"
    files = staging.iterdir() if staging.exists() else []
    return [p for p in files if not p.name.endswith(".lock") and p.stat().st_size > 0]


def _kill9(server: ServerProcess) -> None:
    assert server.process is not None
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(30)
    server.stop()  # closes its log


def _assert_recovered(server: ServerProcess, doctor: Caller, visits: list[str], clip: bytes,
                      patient: dict[str, str]) -> None:
    for visit in visits[:FINISHED]:
        audio = doctor.get(f"/recordings/{visit}/audio")
        assert audio.status_code == 200 and audio.content == clip
    for visit in visits[FINISHED:]:
        assert doctor.get(f"/recordings/{visit}").json()["data"] == []
    assert list((server.data_dir / "blobs" / "staging").iterdir()) == []  # the killed server's lock too
    swept = [line for line in server.log_text().splitlines() if "staging sweep" in line]
    assert len(swept) == 1 and f"removed {HELD} spooled upload(s)" in swept[0], swept
    for phi in (patient["first_name"], patient["last_name"], patient["mrn"], *visits):
        assert phi not in server.log_text()
    report = _audit_verify(server)
    assert report["ok"] is True, report["blobs"]
    assert report["blobs"]["checked"] == FINISHED and report["blobs"]["problems"] == []


def _audit_verify(server: ServerProcess) -> dict[str, object]:
    env = {**server.env, "MEDISYNC_LOG_LEVEL": "WARNING"}
    done = subprocess.run([sys.executable, "-m", "medisync.interface.cli", "audit", "verify", "--json",
                           "--orphan-grace-s", "0"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return json.loads(done.stdout)
