"""Fault injection with real processes: stop Postgres under traffic, kill the ML
worker mid-job and the projector mid-stream, make the blob disk unwritable and
full. What must hold: the API answers in its envelope (503/507, never a bare
500), recovers by itself, loses no acknowledged write, and records no event
for a file it does not have.

Kafka down is covered by tests/integration/test_stream.py
(test_broker_outage_loses_nothing: the API keeps answering 201 while the
broker is stopped and the relay delivers every event after it is back).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Iterator

import psycopg
import pytest
import requests

from medisync.adapters.kafka.ml_consumer import SESSION_TIMEOUT_MS
from tests.support.api import Caller, assert_error, create_patient, invite, register_practice, schedule
from tests.support.audio import visit_opening
from tests.support.kafka import bootstrap, wait_caught_up
from tests.support.polling import until
from tests.support.processes import CliProcess, QUIET, api_dir, fresh_database, server_level
from tests.support.server import REPO, ServerProcess, try_register

def event_topics(url: str, originator_ids: list[str] | None = None) -> list[str]:
    with psycopg.connect(url) as conn:
        if originator_ids is None:
            rows = conn.execute("SELECT topic FROM medisync_events").fetchall()
        else:
            rows = conn.execute("SELECT topic FROM medisync_events WHERE originator_id = ANY(%s::uuid[])",
                                (originator_ids,)).fetchall()
    return [row[0] for row in rows]


def new_patient_body() -> dict[str, Any]:
    return {"mrn": f"F-{uuid.uuid4().hex[:10]}", "first_name": "Fay", "last_name": "Ult",
            "date_of_birth": "1960-06-06", "sex": "female"}


class Traffic:
    """Creates patients in a background thread and remembers every answer."""

    def __init__(self, admin: Caller) -> None:
        self.admin = admin
        self.answers: list[tuple[int, dict[str, Any]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Traffic":
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join(120)

    def _run(self) -> None:
        for _ in range(5000):  # bounded
            if self._stop.is_set():
                return
            try:
                response = self.admin.post("/patients", json=new_patient_body())
                self.answers.append((response.status_code, response.json()))
            except (requests.RequestException, ValueError):
                self.answers.append((0, {}))
            time.sleep(0.02)

    def summary(self) -> dict[int, int]:
        return {code: self.count(code) for code in sorted({code for code, _ in self.answers})}

    def count(self, status: int) -> int:
        return sum(1 for code, _ in self.answers if code == status)

    def acknowledged_ids(self) -> list[str]:
        return [body["data"]["id"] for code, body in self.answers if 200 <= code < 300]


# Postgres stopped mid-traffic ------------------------------------------------------------------
def _db_cli(action: str, pg_dir: Path) -> str:
    env = {**os.environ, "MEDISYNC_DATA_DIR": str(pg_dir), "MEDISYNC_DATABASE_URL": ""}
    done = subprocess.run([sys.executable, "-W", "ignore", "-m", "medisync.interface.cli", action], env=env,
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A Postgres of this test's own (embedded, in a temp dir), so it can be stopped and started."""
    pg_dir = tmp_path / "pg"
    url = _db_cli("db-url", pg_dir)
    yield pg_dir, url
    _db_cli("db-stop", pg_dir)


def test_postgres_stopped_mid_traffic(own_postgres: tuple[Path, str], tmp_path: Path) -> None:
    pg_dir, url = own_postgres
    server = ServerProcess(api_dir(tmp_path), url, QUIET).start()
    try:
        admin = register_practice(server.api, "pg-fault")
        with Traffic(admin) as traffic:
            until(lambda: traffic.count(201) >= 10, "writes before the outage")
            _db_cli("db-stop", pg_dir)
            down = until(lambda: traffic.count(503) >= 3, "503s while Postgres is down")
            health = requests.get(f"{server.api}/health", timeout=30)
            error = assert_error(health, 503)
            assert error["code"] == "not_ready"
            unavailable = next(body for code, body in traffic.answers if code == 503)
            assert unavailable["success"] is False and unavailable["error"]["code"] == "service_unavailable"
            assert down
            _db_cli("db-url", pg_dir)  # Postgres is back; the API must recover by itself
            until(lambda: requests.get(f"{server.api}/health", timeout=10).status_code == 200, "readiness")
            recovered = traffic.count(201)
            until(lambda: traffic.count(201) >= recovered + 10, "writes after the outage")
        assert traffic.count(500) == 0, [body for code, body in traffic.answers if code == 500][:3]
        acknowledged = traffic.acknowledged_ids()
        stored = event_topics(url, acknowledged)
        assert len([t for t in stored if t.endswith("Patient.Registered")]) == len(acknowledged)
        fresh = create_patient(admin)  # reads serve again, too
        assert admin.get(f"/patients/{fresh['id']}").status_code == 200
    finally:
        server.stop()
    assert "unhandled" not in server.log_text()


# Projector killed ------------------------------------------------------------------------------
def test_projector_killed_resumes_and_converges(database_url: str, tmp_path: Path) -> None:
    url = fresh_database(server_level(database_url))
    # The API polls the projector's tracking tables; keep its read-your-writes wait short.
    env = {**QUIET, "MEDISYNC_RUN_PROJECTIONS": "false", "MEDISYNC_READ_YOUR_WRITES_TIMEOUT_S": "0.5"}
    projector_env = {"MEDISYNC_DATA_DIR": str(tmp_path / "api"), "MEDISYNC_DATABASE_URL": url, **QUIET}
    api_dir(tmp_path)
    projector = CliProcess(["project"], projector_env, tmp_path).start()
    server = ServerProcess(tmp_path / "api", url, env).start()
    try:
        admin = until(lambda: try_register(server), "registration (the users projection is in another process)")
        with Traffic(admin) as traffic:
            until(lambda: len(traffic.acknowledged_ids()) >= 10, "writes while the projector runs")
            projector.kill9()
            # Committed, but no read model shows them: 202 Accepted, never a 404 for a write that happened.
            before = traffic.count(202)
            until(lambda: traffic.count(202) >= before + 5, "writes accepted without a projector")
            projector = CliProcess(["project"], projector_env, tmp_path).start()
            settled = len(traffic.acknowledged_ids())
            until(lambda: len(traffic.acknowledged_ids()) >= settled + 10, "writes after the restart")
        acknowledged = set(traffic.acknowledged_ids())
        registered = [t for t in event_topics(url) if t.endswith("Patient.Registered")]
        assert len(registered) == len(acknowledged)  # every 2xx is an event, and nothing else

        def converged() -> bool:
            with psycopg.connect(url) as conn:
                rows = {str(r[0]) for r in conn.execute("SELECT id FROM read.patients").fetchall()}
            return rows == acknowledged

        until(converged, "the read model to converge")
        for patient_id in list(acknowledged)[:10]:
            assert admin.get(f"/patients/{patient_id}").status_code == 200
        assert set(traffic.summary()) <= {201, 202}, traffic.summary()
    finally:
        server.stop()
        projector.stop()


# ML worker killed mid-job ----------------------------------------------------------------------
@pytest.mark.kafka
@pytest.mark.ml
def test_ml_worker_killed_mid_job_completes_exactly_once(database_url: str, tmp_path: Path) -> None:
    with MlStack(database_url, tmp_path) as stack:
        doctor, appointment, recording_id = _visit_uploaded(stack.server, tmp_path, stack.url, "ml-fault")
        stack.worker.kill9()
        assert not any(t.endswith("Transcribed") for t in event_topics(stack.url, [recording_id])), \
            "the job finished before the worker could be killed mid-job"
        stack.worker = CliProcess(["worker"], stack.env, tmp_path).start()
        done = until(lambda: _transcript_and_note(doctor, appointment["id"]), "the job to complete", timeout=600)
        wait_caught_up(stack.servers, "medisync-ml", ("medisync.recording.v1",), timeout=300)
        topics = event_topics(stack.url, [recording_id])
        assert len([t for t in topics if t.endswith("Transcribed")]) == 1
        assert len([t for t in topics if t.endswith("TranscriptionStarted")]) == 2  # the killed attempt, then one
        note_id = str(done["note_id"])
        assert len([t for t in event_topics(stack.url, [note_id]) if t.endswith("Generated")]) == 1


@pytest.mark.kafka
@pytest.mark.ml
def test_ml_worker_frozen_past_its_session_stays_up_and_completes_once(database_url: str, tmp_path: Path) -> None:
    """A worker that stalls mid-job for longer than the session timeout loses its partition; when it resumes,
    its job finishes, the offset commit is refused, and the worker must go on, not die (D224)."""
    with MlStack(database_url, tmp_path) as stack:
        doctor, appointment, recording_id = _visit_uploaded(stack.server, tmp_path, stack.url, "ml-freeze")
        worker = stack.worker.process
        assert worker is not None
        worker.send_signal(signal.SIGSTOP)
        assert not any(t.endswith("Transcribed") for t in event_topics(stack.url, [recording_id])), \
            "the job finished before the worker could be frozen mid-job"
        time.sleep(SESSION_TIMEOUT_MS / 1000 + 5)  # the broker evicts the silent member
        worker.send_signal(signal.SIGCONT)
        until(lambda: _transcript_and_note(doctor, appointment["id"]), "the job to complete", timeout=600)
        wait_caught_up(stack.servers, "medisync-ml", ("medisync.recording.v1",), timeout=300)
        assert worker.poll() is None, stack.worker.log_text()[-2000:]
        assert "offset commit refused after a rebalance" in stack.worker.log_text()
        topics = event_topics(stack.url, [recording_id])
        assert len([t for t in topics if t.endswith("Transcribed")]) == 1
        assert len([t for t in topics if t.endswith("TranscriptionStarted")]) == 1


class MlStack:
    """An API server, the relay and one ML worker on a fresh database and the shared broker; stopped on exit."""

    def __init__(self, database_url: str, tmp_path: Path) -> None:
        self.servers = bootstrap()
        self.url = fresh_database(server_level(database_url))
        data_dir = api_dir(tmp_path)
        kafka = {"MEDISYNC_KAFKA_BOOTSTRAP": self.servers, "MEDISYNC_DB_POOL_SIZE": "4"}
        self.env = {"MEDISYNC_DATA_DIR": str(data_dir), "MEDISYNC_DATABASE_URL": self.url, **kafka}
        self.server = ServerProcess(data_dir, self.url, kafka).start()
        self.relay = CliProcess(["relay"], self.env, tmp_path).start()
        self.worker = CliProcess(["worker"], self.env, tmp_path).start()

    def __enter__(self) -> "MlStack":
        return self

    def __exit__(self, *exc: object) -> None:
        self.worker.stop()
        self.relay.stop()
        self.server.stop()


def _visit_uploaded(server: ServerProcess, tmp_path: Path, url: str,
                    name: str) -> tuple[Caller, dict[str, Any], str]:
    """A visit's opening uploaded, once the worker has started its job."""
    admin = register_practice(server.api, name)
    doctor = invite(admin, "doctor", name)
    appointment = schedule(admin, create_patient(admin)["id"], doctor.id)
    with open(visit_opening(tmp_path / "visit.wav"), "rb") as audio:
        uploaded = doctor.post(f"/recordings/{appointment['id']}", files={"file": ("visit.wav", audio)})
    assert uploaded.status_code == 201, uploaded.text
    recording_id = uploaded.json()["data"]["id"]
    until(lambda: any(t.endswith("TranscriptionStarted") for t in event_topics(url, [recording_id])),
          "the worker to start the job", timeout=300, every=0.05)
    return doctor, appointment, recording_id


def _transcript_and_note(doctor: Caller, appointment_id: str) -> dict[str, Any] | None:
    transcript = doctor.get(f"/transcriptions/{appointment_id}")
    note = doctor.get(f"/notes/{appointment_id}")
    if transcript.status_code != 200 or transcript.json()["data"]["status"] != "completed" or note.status_code != 200:
        return None
    from medisync.domain.clinical_note import ClinicalNote

    return {"note_id": ClinicalNote.create_id(appointment_id)}


# The blob disk: unwritable, then full -----------------------------------------------------------
def test_blob_directory_unwritable_is_507_and_records_nothing(database_url: str, tmp_path: Path) -> None:
    url = fresh_database(server_level(database_url))
    data_dir = api_dir(tmp_path)
    server = ServerProcess(data_dir, url, QUIET).start()
    try:
        admin = register_practice(server.api, "blob-fault")
        patient = create_patient(admin)
        blobs = data_dir / "blobs"
        parked = data_dir / "blobs-parked"
        if blobs.exists():
            blobs.rename(parked)
        blobs.write_text("not a directory")  # as root, permissions would not stop us: make it impossible
        before = event_topics(url)
        refused = _upload_document(admin, patient["id"], b"lab 5.4\n")
        assert_error(refused, 507, "insufficient_storage")
        assert event_topics(url) == before
        blobs.unlink()
        if parked.exists():
            parked.rename(blobs)
        accepted = _upload_document(admin, patient["id"], b"lab 5.5\n")  # recovers once the disk is back
        assert accepted.status_code == 201, accepted.text
    finally:
        server.stop()
    _assert_every_blob_exists(url, data_dir)


class _FileSizeLimited(ServerProcess):
    """The server with RLIMIT_FSIZE: no file it writes may grow past the limit (as on a full disk)."""

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = limit

    def start(self, timeout: float = 60.0) -> "ServerProcess":
        self._log = open(self.log_path, "ab")
        limit = self.limit
        self.process = subprocess.Popen(
            [sys.executable, "-m", "medisync.interface.cli", "serve", "--port", str(self.port)],
            env=self.env, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
        self._wait_ready(timeout)
        return self


def test_blob_disk_full_is_507_and_records_nothing(database_url: str, tmp_path: Path) -> None:
    url = fresh_database(server_level(database_url))
    data_dir = api_dir(tmp_path)
    server = _FileSizeLimited(data_dir, url, QUIET, limit=4 * 1024 * 1024).start()
    try:
        admin = register_practice(server.api, "disk-full")
        doctor = invite(admin, "doctor", "disk-full")
        patient = create_patient(admin)
        appointment = schedule(admin, patient["id"], doctor.id)
        before = event_topics(url)
        big = _upload_document(admin, patient["id"], b"lab value line\n" * (6 * 1024 * 1024 // 15))
        assert_error(big, 507, "insufficient_storage")
        audio_refused = doctor.post(f"/recordings/{appointment['id']}",
                                    files={"file": ("v.wav", os.urandom(6 * 1024 * 1024), "audio/wav")})
        assert_error(audio_refused, 507, "insufficient_storage")
        assert event_topics(url) == before
        small = _upload_document(admin, patient["id"], b"fits\n")
        assert small.status_code == 201, small.text
        staging = data_dir / "blobs" / "staging"
        assert not staging.exists() or [p for p in staging.iterdir() if p.suffix != ".lock"] == []
    finally:
        server.stop()
    _assert_every_blob_exists(url, data_dir)


def _upload_document(caller: Caller, patient_id: str, content: bytes) -> requests.Response:
    return caller.post("/documents", data={"patient_id": patient_id, "kind": "lab_result", "title": "Labs"},
                       files={"file": ("labs.txt", content, "text/plain")})


def _assert_every_blob_exists(url: str, data_dir: Path) -> None:
    """No event (as projected) points at a file the store does not have."""
    with psycopg.connect(url) as conn:
        keys = [r[0] for r in conn.execute("SELECT blob_key FROM read.documents WHERE NOT deleted "
                                           "UNION ALL SELECT blob_key FROM read.recordings WHERE NOT deleted")]
    assert all((data_dir / "blobs" / key).is_file() for key in keys)
