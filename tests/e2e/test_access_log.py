"""The PHI access log: every read of patient data is recorded (who, what,
when, from where, which request, outcome), ids only; auditors ask who looked
at a patient; nothing is lost when the server shuts down cleanly."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import psycopg
import pytest
from aiohttp import web

from medisync.interface.http.access_log import PHI_ROUTES, AccessLogBatcher
from medisync.interface.http.routes import appointments, audit, documents, fhir, notes, patients, recordings
from tests.support.api import Caller, assert_error, create_patient, invite, register_practice, schedule
from tests.support.processes import fresh_database
from tests.support.server import REPO, ServerProcess, start_or_stop

UA = {"User-Agent": "access-log-test/1.0"}
NAME = {"first_name": "Zebulon", "last_name": "Quillfeather"}


@pytest.fixture(scope="module")
def access_server(server: ServerProcess) -> ServerProcess:
    return server  # the session's server


def _until(fetch: Callable[[], Any], ready: Callable[[Any], bool], timeout: float = 30.0) -> Any:
    """Poll until the (asynchronously written) log shows what we expect."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if ready(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def _access(auditor: Caller, patient_id: str) -> list[dict[str, Any]]:
    response = auditor.get("/audit/access", params={"patient_id": patient_id, "per_page": 100})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_reads_of_patient_data_are_logged_with_ids_only(access_server: ServerProcess, dialogue_wav: Path) -> None:
    admin = register_practice(access_server.api, "accessadmin")
    doctor, auditor = invite(admin, "doctor"), invite(admin, "auditor")
    patient = create_patient(admin, **NAME)
    appointment = schedule(admin, patient["id"], doctor.id)
    pid, aid = patient["id"], appointment["id"]
    with open(dialogue_wav, "rb") as audio:
        assert doctor.post(f"/recordings/{aid}", files={"file": ("v.wav", audio)}).status_code == 201
    document = admin.post("/documents", files={"file": ("lab.txt", b"HbA1c 7.9%")},
                          data={"patient_id": pid, "kind": "lab_result", "title": "HbA1c"}).json()["data"]
    # 201, or 200 when the AI draft of the uploaded visit opened the note first
    assert doctor.post(f"/notes/add/{aid}", json={"subjective": "Thirsty."}).status_code in (200, 201)

    reads = {  # path -> (resource type, expected status)
        f"/patients/{pid}": ("patient", 200),
        f"/patients/{pid}/history": ("patient_history", 200),
        "/patients?search=quill": ("patient", 200),
        f"/appointments/get/{aid}": ("appointment", 200),
        "/appointments/doctors": ("appointment", 200),
        f"/recordings/{aid}": ("recording", 200),
        "/recordings": ("recording", 200),
        f"/recordings/{aid}/audio": ("recording_audio", 200),
        f"/notes/{aid}": ("note", 200),
        f"/documents?patient_id={pid}": ("document", 200),
        f"/documents/{document['id']}": ("document", 200),
        f"/documents/{document['id']}/content": ("document_content", 200),
    }
    request_ids = {}
    for index, path in enumerate(reads):
        request_ids[path] = f"req-access-{index:04d}"
        response = doctor.get(path, headers={**UA, "X-Request-ID": request_ids[path]})
        assert response.status_code == reads[path][1], (path, response.text)
    # A refused read is logged too: auditors may not read patient records directly.
    assert_error(auditor.get(f"/patients/{pid}", headers={"X-Request-ID": "req-access-denied"}), 403)

    # A read may log more than one row, so wait for these very requests, not for a count.
    expected = {*request_ids.values(), "req-access-denied"}
    rows = _until(lambda: _access(auditor, pid), lambda r: expected <= {row["request_id"] for row in r})
    mine = [r for r in rows if r["request_id"] in set(request_ids.values())]
    assert {r["request_id"]: r["resource_type"] for r in mine} == {
        request_ids[p]: kind for p, (kind, _) in reads.items()}
    for row in mine:
        assert row["user_id"] == doctor.id and row["role"] == "doctor" and row["status"] == 200
        assert row["patient_id"] == pid and row["client_ip"] == "127.0.0.1"
        assert row["user_agent"] == UA["User-Agent"] and row["method"] == "GET"
        assert row["route"].startswith("/api/v1/") and "?" not in row["route"]
    by_request = {r["request_id"]: r for r in mine}
    assert by_request[request_ids["/patients?search=quill"]]["action"] == "search"
    assert by_request[request_ids[f"/recordings/{aid}/audio"]]["action"] == "download"
    assert by_request[request_ids[f"/appointments/get/{aid}"]]["resource_id"] == aid
    denied = next(r for r in rows if r["request_id"] == "req-access-denied")
    assert (denied["user_id"], denied["status"], denied["resource_id"]) == (auditor.id, 403, pid)
    ids = [r["seq"] for r in rows]
    assert ids == sorted(ids, reverse=True)  # newest first

    # Only ids: neither the API answer nor the table holds the patient's name or the search term.
    text = auditor.get("/audit/access", params={"patient_id": pid, "per_page": 100}).text
    assert "Quillfeather" not in text and "quill" not in text.lower()
    with psycopg.connect(access_server.env["MEDISYNC_DATABASE_URL"]) as conn:
        dump = " ".join(str(row) for row in conn.execute("SELECT * FROM audit.access_log"))
    assert "Quillfeather" not in dump and "quill" not in dump.lower() and "Zebulon" not in dump

    # Filters: by user, and another practice's auditor learns nothing.
    only_auditor = auditor.get("/audit/access", params={"patient_id": pid, "user_id": auditor.id}).json()["data"]
    assert [r["request_id"] for r in only_auditor] == ["req-access-denied"]
    stranger = register_practice(access_server.api, "strangeradmin")
    assert_error(stranger.get("/audit/access", params={"patient_id": pid}), 404)


def test_every_concurrent_read_is_in_the_log_when_it_is_answered(access_server: ServerProcess) -> None:
    """D32/D70: many reads at once share access-log batches, yet each answer is released only once
    its own rows are committed: right after the last answer, with no waiting, every read is there."""
    admin = register_practice(access_server.api, "concurrentlog")
    doctor = invite(admin, "doctor")
    patient = create_patient(admin)
    visits = [schedule(admin, patient["id"], doctor.id, start=f"2027-02-0{day}T09:00:00+00:00")["id"]
              for day in range(1, 4)]
    reads = 48

    def read(index: int) -> tuple[str, int]:
        path = f"/appointments/get/{visits[index % 3]}" if index % 2 else "/appointments/doctors"
        request_id = f"req-concurrent-{index:04d}"
        return request_id, doctor.get(path, headers={"X-Request-ID": request_id}).status_code

    with ThreadPoolExecutor(16) as pool:
        answered = dict(pool.map(read, range(reads)))
    assert set(answered.values()) == {200}
    with psycopg.connect(access_server.env["MEDISYNC_DATABASE_URL"]) as conn:
        logged = [(r[0], r[1]) for r in conn.execute(
            "SELECT request_id, resource_id FROM audit.access_log WHERE request_id LIKE 'req-concurrent-%'")]
    by_request: dict[str, list[str]] = {}
    for request_id, resource_id in logged:
        by_request.setdefault(request_id, []).append(resource_id)
    assert set(by_request) == set(answered)  # every acknowledged read, nothing else
    for index in range(reads):
        rows = sorted(by_request[f"req-concurrent-{index:04d}"])
        assert rows == ([visits[index % 3]] if index % 2 else sorted(visits))  # one row per visit returned


def test_a_clean_shutdown_writes_every_entry(tmp_path: Path, database_url: str) -> None:
    # A flush interval far longer than the test: only the shutdown flush can write these.
    url = fresh_database(database_url)
    env = {"MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_ML_ENABLED": "false", "MEDISYNC_ACCESS_LOG_FLUSH_S": "3600"}
    server = start_or_stop(ServerProcess(tmp_path, url, env))
    try:
        admin = register_practice(server.api, "flushadmin")
        patient = create_patient(admin)
        for index in range(25):
            assert admin.get(f"/patients/{patient['id']}", headers={"X-Request-ID": f"req-flush-{index:04d}"}).ok
    finally:
        server.stop()
    with psycopg.connect(url) as conn:
        logged = [r[0] for r in conn.execute("SELECT request_id FROM audit.access_log WHERE request_id LIKE "
                                             "'req-flush-%' ORDER BY seq")]
    assert logged == [f"req-flush-{index:04d}" for index in range(25)]
    done = subprocess.run([sys.executable, "-m", "medisync.interface.cli", "audit", "verify"],
                          env={**server.env, "MEDISYNC_LOG_FORMAT": "text", "MEDISYNC_DB_POOL_SIZE": "2"}, cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "access_log: OK; 25 checked" in done.stdout


def test_a_killed_server_loses_no_row_of_what_it_answered(tmp_path: Path, database_url: str) -> None:
    """D32: a response carrying patient data leaves only once its rows are committed,
    so even kill -9 right after the answers (a flush interval far longer than the
    test, no clean shutdown) keeps every row."""
    url = fresh_database(database_url)
    env = {"MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_ML_ENABLED": "false", "MEDISYNC_ACCESS_LOG_FLUSH_S": "3600"}
    server = start_or_stop(ServerProcess(tmp_path, url, env))
    try:
        admin = register_practice(server.api, "killadmin")
        patient = create_patient(admin)
        for index in range(10):
            assert admin.get(f"/patients/{patient['id']}", headers={"X-Request-ID": f"req-kill-{index:04d}"}).ok
    finally:
        server.stop(signal.SIGKILL)
    with psycopg.connect(url) as conn:
        logged = [r[0] for r in conn.execute("SELECT request_id FROM audit.access_log WHERE request_id LIKE "
                                             "'req-kill-%' ORDER BY seq")]
    assert logged == [f"req-kill-{index:04d}" for index in range(10)]


async def test_a_reader_waits_for_its_rows_and_gets_nothing_if_they_cannot_be_written() -> None:
    written: list[list[dict[str, Any]]] = []
    batcher = AccessLogBatcher(written.append, interval_s=3600)
    batcher.start()
    await asyncio.wait_for(batcher.submit([{"n": 1}, {"n": 2}]), 5)  # written at once, not in an hour
    assert written == [[{"n": 1}, {"n": 2}]]
    await batcher.close()

    def broken(batch: list[dict[str, Any]]) -> None:
        raise OSError("database gone")

    failing = AccessLogBatcher(broken, interval_s=3600, close_attempts=1)
    failing.start()
    waiting = failing.submit([{"n": 3}])
    assert waiting is not None
    await failing.close()
    with pytest.raises(ConnectionError):
        await waiting


def test_every_route_that_returns_patient_data_is_tagged() -> None:
    tables = (patients.routes, appointments.routes, recordings.routes, notes.routes, documents.routes,
              audit.routes, fhir.routes)
    # Routes are tagged by their canonical template: "{type:A|B}" is "{type}".
    gets = {(r.method, re.sub(r"\{(\w+):[^}]+\}", r"{\1}", r.path)) for table in tables for r in table
            if isinstance(r, web.RouteDef) and r.method == "GET"}
    not_patient_data = {("GET", "/api/v1/audit/access"), ("GET", "/api/v1/audit/checkpoints"),
                        ("GET", "/api/v1/fhir/metadata"), ("GET", "/api/v1/fhir/Practitioner/{id}")}
    untagged = gets - set(PHI_ROUTES) - not_patient_data
    assert untagged == set()
    assert set(PHI_ROUTES) <= gets  # and no stale tags


async def test_the_batcher_writes_in_batches_and_drains_on_close() -> None:
    written: list[list[dict[str, Any]]] = []
    batcher = AccessLogBatcher(written.append, interval_s=3600, max_batch=4)
    batcher.start()
    batcher.submit([{"n": i} for i in range(10)])
    await batcher.close()
    assert [len(batch) for batch in written[:2]] == [4, 4]
    assert [e["n"] for batch in written for e in batch] == list(range(10))
    assert batcher.written == 10


async def test_the_batcher_retries_a_failed_write() -> None:
    attempts: list[int] = []

    def flaky(batch: list[dict[str, Any]]) -> None:
        attempts.append(len(batch))
        if len(attempts) == 1:
            raise OSError("database restarting")

    batcher = AccessLogBatcher(flaky, interval_s=0.01)
    batcher.start()
    batcher.submit([{"n": 1}, {"n": 2}])
    await batcher.close()
    assert attempts == [2, 2] and batcher.written == 2
    await asyncio.sleep(0)
