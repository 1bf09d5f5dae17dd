"""Input hardening and credential abuse, over real HTTP:

- unknown fields and query parameters are refused on every schema;
- size limits answer 413: JSON over 1 MB, audio over its (configurable)
  limit, documents over 25 MB;
- uploads are judged by content: 415 for documents of other types, 400 for
  audio that does not decode; client filenames never become paths;
- names and searches are Unicode-normalized;
- login brute force is throttled per account and per IP (429 + Retry-After)
  and every attempt is recorded; passwords meet a policy and are argon2id;
- across a whole clinical workflow, no PHI reaches the server's log.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import unicodedata
import uuid
from pathlib import Path
from typing import Any, Iterator

import psycopg
import pytest
import requests

from tests.support.api import (PASSWORD, SOAP, Caller, FromAddress, assert_error, create_patient, invite,
                               register_practice, schedule, unique_email, wait_for)
from tests.support.audio import visit_opening, wav_bytes
from tests.support.processes import fresh_database
from tests.support.server import ServerProcess

MB = 1024 * 1024
SMALL_POOL = {"MEDISYNC_DB_POOL_SIZE": "4"}  # extra servers share Postgres's connection budget


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> Caller:
    return register_practice(server.api, "hard")


@pytest.fixture(scope="module")
def doctor(admin: Caller) -> Caller:
    return invite(admin, "doctor", "hard")


# Unknown fields -------------------------------------------------------------------------------
def test_unknown_fields_are_refused_everywhere(admin: Caller, doctor: Caller) -> None:
    patient = create_patient(admin)
    appointment = schedule(admin, patient["id"], doctor.id, start="2031-01-02T09:00:00+00:00")
    entry = admin.post(f"/patients/{patient['id']}/history", json={"kind": "allergy", "description": "Nuts"})
    policy = admin.post(f"/patients/{patient['id']}/insurance", json={"payer": "P", "member_id": "1"})
    pid, aid = patient["id"], appointment["id"]
    bodies = [("POST", "/auth/register", {"email": unique_email("u"), "password": PASSWORD, "full_name": "U",
                                          "practice_name": "U"}),
              ("POST", "/auth/login", {"email": admin.user["email"], "password": PASSWORD}),
              ("POST", "/auth/refresh", {"refresh_token": "x"}),
              ("POST", "/auth/password", {"current_password": PASSWORD, "new_password": PASSWORD}),
              ("POST", "/users/invitations", {"email": unique_email("u"), "role": "nurse"}),
              ("PATCH", f"/users/{doctor.id}", {"tier": "standard"}),
              ("POST", "/patients", {"mrn": "U-1", "first_name": "A", "last_name": "B",
                                     "date_of_birth": "2000-01-01", "sex": "male"}),
              ("PATCH", f"/patients/{pid}", {"phone": "1"}),
              ("POST", f"/patients/{pid}/history", {"kind": "allergy", "description": "x"}),
              ("PATCH", f"/patients/{pid}/history/{entry.json()['data']['id']}", {"notes": "x"}),
              ("POST", f"/patients/{pid}/insurance", {"payer": "P", "member_id": "2"}),
              ("PATCH", f"/patients/{pid}/insurance/{policy.json()['data']['id']}", {"plan": "x"}),
              ("POST", "/appointments/add", {"patient_id": pid, "doctor_id": doctor.id, "duration_minutes": 30,
                                             "start": "2031-01-03T09:00:00+00:00", "type": "follow_up"}),
              ("POST", f"/appointments/{aid}/reschedule", {"start": "2031-01-04T09:00:00+00:00",
                                                           "duration_minutes": 30}),
              ("POST", f"/appointments/{aid}/cancel", {"reason": "x"}),
              ("POST", f"/notes/add/{aid}", SOAP),
              ("POST", f"/notes/{aid}/generate", {"generator": "extractive"})]
    for method, path, body in bodies:
        response = admin.request(method, path, json={**body, "is_admin": True})
        error = assert_error(response, 400, "validation_error")
        assert error["details"]["fields"]["is_admin"] == ["Unknown field."], (method, path)
    for path in ("/patients", "/appointments/doctors", "/recordings", "/users", f"/documents?patient_id={pid}"):
        response = admin.get(path, params={"role": "admin"})
        assert assert_error(response, 400, "validation_error")["details"]["fields"]["role"] == ["Unknown field."]
    form = admin.post("/documents", data={"patient_id": pid, "kind": "other", "title": "T", "owner": "me"},
                      files={"file": ("t.txt", b"text\n", "text/plain")})
    assert assert_error(form, 400, "validation_error")["details"]["fields"]["owner"] == ["Unknown field."]
    untouched = admin.get(f"/appointments/get/{aid}").json()["data"]
    assert untouched["status"] == "scheduled" and untouched["start"].startswith("2031-01-02")


def test_nul_characters_are_refused_before_they_reach_a_read_model(admin: Caller) -> None:
    """Postgres text cannot hold NUL: stored in an event, it would stall the projection for good."""
    patient = create_patient(admin)
    body = {"mrn": f"NUL-{uuid.uuid4().hex[:6]}", "first_name": "Nu\u0000ll", "last_name": "B",
            "date_of_birth": "2000-01-01", "sex": "male"}
    assert set(assert_error(admin.post("/patients", json=body), 400, "validation_error")["details"]["fields"]) == {
        "first_name"}
    assert_error(admin.patch(f"/patients/{patient['id']}", json={"last_name": "\u0000"}), 400, "validation_error")
    assert_error(admin.get("/patients", params={"search": "a\x00b"}), 400, "validation_error")
    titled = admin.post("/documents", data={"patient_id": patient["id"], "kind": "other", "title": "T\x00"},
                        files={"file": ("t.txt", b"text\n", "text/plain")})
    assert set(assert_error(titled, 400, "validation_error")["details"]["fields"]) == {"title"}
    after = create_patient(admin)  # the projections are still live: read-your-writes still holds
    assert admin.get(f"/patients/{after['id']}").status_code == 200


# Size limits ----------------------------------------------------------------------------------
def test_json_over_one_megabyte_is_413(admin: Caller, server: ServerProcess) -> None:
    big = {"mrn": "BIG-1", "first_name": "A" * (MB + 10), "last_name": "B", "date_of_birth": "2000-01-01",
           "sex": "male"}
    assert_error(admin.post("/patients", json=big), 413, "payload_too_large")
    raw = json.dumps(big).encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds on what is read
        for start in range(0, len(raw), 65536):
            yield raw[start:start + 65536]

    chunked = requests.post(f"{server.api}/patients", data=chunks(), timeout=60,
                            headers={**admin.headers, "Content-Type": "application/json"})
    assert_error(chunked, 413, "payload_too_large")
    with_key = admin.post("/patients", json=big, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert_error(with_key, 413, "payload_too_large")
    assert admin.get("/patients", params={"search": "BIG-1"}).json()["data"] == []


def test_documents_over_25_megabytes_are_413(admin: Caller, server: ServerProcess) -> None:
    patient = create_patient(admin)
    blobs_before = _blob_files(server)
    too_big = b"lab line\n" * (25 * MB // 9 + 1000)
    assert len(too_big) > 25 * MB
    response = _post_tolerating_early_reply(admin, "/documents", data={"patient_id": patient["id"], "kind": "other",
                                                                       "title": "Huge"},
                                            files={"file": ("huge.txt", too_big, "text/plain")})
    assert_error(response, 413, "payload_too_large")
    assert admin.get("/documents", params={"patient_id": patient["id"]}).json()["data"] == []
    assert _blob_files(server) == blobs_before
    assert _staging_files(server) == []


@pytest.fixture(scope="module")
def small_audio_server(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("small-audio"), fresh_database(_server_url(database_url)), {
        "MEDISYNC_MAX_AUDIO_BYTES": str(64 * 1024), "MEDISYNC_ML_ENABLED": "false", **SMALL_POOL}).start()
    yield process
    process.stop()


def test_audio_over_the_configured_limit_is_413(small_audio_server: ServerProcess) -> None:
    admin = register_practice(small_audio_server.api, "small")
    doctor = invite(admin, "doctor")
    appointment = schedule(admin, create_patient(admin)["id"], doctor.id)
    fits = doctor.post(f"/recordings/{appointment['id']}", files={"file": ("a.wav", wav_bytes(2.0), "audio/wav")})
    assert fits.status_code == 201, fits.text  # 2 s of 8 kHz 16-bit mono: 32 kB
    over = _post_tolerating_early_reply(doctor, f"/recordings/{appointment['id']}",
                                        files={"file": ("b.wav", wav_bytes(8.0), "audio/wav")})  # 128 kB
    assert_error(over, 413, "payload_too_large")
    assert len(doctor.get(f"/recordings/{appointment['id']}").json()["data"]) == 1
    assert _staging_files(small_audio_server) == []


# Content checks and filenames -----------------------------------------------------------------
def test_uploads_are_judged_by_content(admin: Caller, doctor: Caller, server: ServerProcess) -> None:
    patient = create_patient(admin)
    form = {"patient_id": patient["id"], "kind": "other", "title": "Scan"}
    accepted = {"application/pdf": b"%PDF-1.7\n" + os.urandom(64), "image/png": b"\x89PNG\r\n\x1a\n" + os.urandom(64),
                "image/jpeg": b"\xff\xd8\xff\xe0" + os.urandom(64), "text/plain": "Gl\u00fckose 5.4\n".encode()}
    for content_type, content in accepted.items():
        response = admin.post("/documents", data=form, files={"file": ("x.exe", content, "application/x-msdownload")})
        assert response.status_code == 201 and response.json()["data"]["content_type"] == content_type
    refused = {"exe": b"MZ\x90\x00\x03" + os.urandom(64), "zip": b"PK\x03\x04" + os.urandom(64),
               "elf": b"\x7fELF" + os.urandom(64), "gif": b"GIF89a" + os.urandom(64), "nul": b"text\x00more",
               "latin1": "caf\u00e9 au lait".encode("latin-1") + b" and more text here", "empty": b""}
    for name, content in refused.items():
        response = admin.post("/documents", data=form, files={"file": (f"{name}.pdf", content, "application/pdf")})
        assert_error(response, 415, "unsupported_media_type")
    appointment = schedule(admin, patient["id"], doctor.id, start="2031-02-01T09:00:00+00:00")
    for content in (b"%PDF-1.4\n" + os.urandom(256), b"RIFF\x00\x00\x00\x00WAVEfmt " + os.urandom(64), b"not audio"):
        response = doctor.post(f"/recordings/{appointment['id']}", files={"file": ("a.wav", content, "audio/wav")})
        assert_error(response, 400, "invalid_upload")
    assert doctor.get(f"/recordings/{appointment['id']}").json()["data"] == []
    assert _staging_files(server) == []


def test_client_filenames_never_become_paths(admin: Caller, server: ServerProcess) -> None:
    patient = create_patient(admin)
    marker = f"issue6-evil-{uuid.uuid4().hex[:8]}"
    names = [f"../../../../../../tmp/{marker}.txt", f"..\\..\\{marker}.txt", f"/tmp/{marker}.txt",
             f"{marker}\x00.txt", f"blobs/{marker}.txt", "." * 300]
    for name in names:
        content = f"{marker} {uuid.uuid4()}\n".encode()
        response = admin.post("/documents", data={"patient_id": patient["id"], "kind": "other", "title": "T"},
                              files={"file": (name, content, "text/plain")})
        if "\x00" in name:  # not even a valid part header: refused as malformed, never a 500
            assert_error(response, 400, "bad_request")
            continue
        assert response.status_code == 201, response.text
        data = response.json()["data"]
        assert marker not in json.dumps(data)
        content_response = admin.get(f"/documents/{data['id']}/content")
        assert content_response.content == content
        assert marker not in content_response.headers.get("Content-Disposition", "")
    assert not list(Path("/tmp").glob(f"{marker}*"))
    for path in Path(server.data_dir).rglob("*"):
        assert marker not in path.name, path
    assert all(re.fullmatch(r"[0-9a-f]{64}-[0-9a-f]{32}", p.name) for p in _blob_files(server))  # D26 names


# Unicode --------------------------------------------------------------------------------------
def test_names_and_searches_are_unicode_normalized(admin: Caller) -> None:
    tag = uuid.uuid4().hex[:6]
    decomposed = unicodedata.normalize("NFD", f"Jos\u00e9 Zo\u00eb{tag}")  # e + combining accent
    first, last = decomposed.split(" ")
    patient = create_patient(admin, first_name=f"  {first} ", last_name=last)
    assert patient["first_name"] == "Jos\u00e9" and patient["last_name"] == f"Zo\u00eb{tag}"
    for query in (f"Zo\u00eb{tag}", unicodedata.normalize("NFD", f"Zo\u00eb{tag}"), f"zo\u00cb{tag}".lower()):
        found = admin.get("/patients", params={"search": query}).json()["data"]
        assert [p["id"] for p in found] == [patient["id"]], query
    mrn = f"MRN-{tag}"
    create_patient(admin, mrn=mrn)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in mrn)  # ＭＲＮ－...
    clash = admin.post("/patients", json={"mrn": fullwidth, "first_name": "A", "last_name": "B",
                                          "date_of_birth": "2000-01-01", "sex": "male"})
    assert assert_error(clash, 409, "conflict")["details"] == {"field": "mrn"}


# Login brute force and passwords --------------------------------------------------------------
def _client(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


def _login(session: requests.Session, api: str, email: str, password: str) -> requests.Response:
    return session.post(f"{api}/auth/login", json={"email": email, "password": password}, timeout=30)


def test_login_is_throttled_per_account(server: ServerProcess, database_url: str) -> None:
    victim = register_practice(server.api, "brute-account")
    email = victim.user["email"]
    for attempt in range(10):  # ten failures, each from another address: only the account adds up
        with _client(f"127.0.{10 + attempt}.{41 + attempt}") as client:
            assert_error(_login(client, server.api, email, f"wrong-{attempt}-x"), 401, "unauthorized")
    with _client("127.0.30.7") as client:
        locked = _login(client, server.api, email, PASSWORD)  # even the right password
        error = assert_error(locked, 429, "too_many_requests")
        assert int(locked.headers["Retry-After"]) == error["details"]["retry_after"] > 0
        assert error["details"]["retry_after"] <= 900
        other = register_practice(server.api, "brute-bystander")
        assert _login(client, server.api, other.user["email"], PASSWORD).status_code == 200
    assert victim.get("/auth/me").status_code == 200  # existing sessions are not affected
    counts = _attempts(database_url, "account_key", _account_key(email))
    assert counts == {"failure": 10, "throttled": 1}


def test_login_is_throttled_per_ip(server: ServerProcess, database_url: str) -> None:
    address = "127.0.77.7"
    with _client(address) as attacker:
        for attempt in range(10):  # spraying many accounts from one address
            assert_error(_login(attacker, server.api, unique_email("spray"), "Guess-1234"), 401, "unauthorized")
        real = register_practice(server.api, "brute-ip")
        refused = _login(attacker, server.api, real.user["email"], PASSWORD)
        error = assert_error(refused, 429, "too_many_requests")
        assert int(refused.headers["Retry-After"]) == error["details"]["retry_after"] > 0
    with _client("127.0.77.8") as neighbour:
        assert _login(neighbour, server.api, real.user["email"], PASSWORD).status_code == 200
    assert _attempts(database_url, "ip", address) == {"failure": 10, "throttled": 1}


def test_success_clears_the_accounts_count(server: ServerProcess) -> None:
    user = register_practice(server.api, "brute-reset")
    with _client("127.0.88.1") as first, _client("127.0.88.2") as second:
        for attempt in range(9):
            client = first if attempt % 2 else second
            assert _login(client, server.api, user.user["email"], "nope-nope-1").status_code == 401
        assert _login(first, server.api, user.user["email"], PASSWORD).status_code == 200
    with _client("127.0.88.3") as third, _client("127.0.88.4") as fourth:
        for attempt in range(9):
            client = third if attempt % 2 else fourth
            assert _login(client, server.api, user.user["email"], "nope-nope-1").status_code == 401
        assert _login(third, server.api, user.user["email"], PASSWORD).status_code == 200


def test_password_policy_and_argon2id(server: ServerProcess, database_url: str) -> None:
    for weak in ("short-1", "onlyletterslong", "1234567890123", "          "):
        response = requests.post(f"{server.api}/auth/register", timeout=30, json={
            "email": unique_email("weak"), "password": weak, "full_name": "W", "practice_name": "W"})
        assert assert_error(response, 400, "validation_error")["details"] == {"field": "password"}, weak
    user = register_practice(server.api, "policy")
    weak_change = user.post("/auth/password", json={"current_password": PASSWORD, "new_password": "abcdefghij"})
    assert assert_error(weak_change, 400, "validation_error")["details"] == {"field": "password"}
    assert user.post("/auth/password", json={"current_password": "not-mine-123", "new_password": "Str0nger-pass"}
                     ).status_code == 400
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT state FROM medisync_events WHERE originator_id = %s",
                            (user.id,)).fetchall()
    state = b"".join(bytes(r[0]) for r in rows)
    assert b"$argon2id$" in state and PASSWORD.encode() not in state


# No PHI in the logs ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def debug_server(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("phi-logs"), fresh_database(_server_url(database_url)), {
        "MEDISYNC_LOG_LEVEL": "DEBUG", "MEDISYNC_KAFKA_BOOTSTRAP": "", **SMALL_POOL}).start()  # in-process ML worker
    yield process
    process.stop()


def test_no_phi_in_the_server_log_across_the_workflow(debug_server: ServerProcess, tmp_path: Path) -> None:
    api = debug_server.api
    tag = uuid.uuid4().hex[:6].upper()
    phi = {"first_name": f"Philippa{tag}", "last_name": f"Loggerhead{tag}", "mrn": f"MRN-PHI-{tag}",
           "phone": f"+1-555-{tag}", "email": f"philippa.{tag.lower()}@example.test",
           "date_of_birth": "1934-11-23"}
    secrets = [*phi.values(), f"Wobblestone{tag}", f"Quagmire{tag}", f"Snorkelwick{tag}", f"Insurex{tag}",
               f"Memberid{tag}", PASSWORD]
    admin = register_practice(api, "phi")
    doctor = invite(admin, "doctor", "phi")
    patient = create_patient(admin, **phi)
    pid = patient["id"]
    assert admin.get("/patients", params={"search": phi["last_name"]}).json()["data"][0]["id"] == pid
    assert admin.get("/patients", params={"search": phi["mrn"]}).status_code == 200
    assert admin.post(f"/patients/{pid}/history", json={"kind": "condition",
                                                        "description": f"Wobblestone{tag} syndrome"}).status_code == 201
    assert admin.post(f"/patients/{pid}/insurance", json={"payer": f"Insurex{tag}",
                                                          "member_id": f"Memberid{tag}"}).status_code == 201
    body = {"patient_id": pid, "doctor_id": doctor.id, "start": "2031-03-01T09:00:00+00:00",
            "duration_minutes": 30, "type": "follow_up", "reason": f"Quagmire{tag} review"}
    appointment = admin.post("/appointments/add", json=body).json()["data"]
    with open(visit_opening(tmp_path / "visit.wav"), "rb") as audio:
        uploaded = doctor.post(f"/recordings/{appointment['id']}", files={"file": (f"{phi['last_name']}.wav", audio)})
    assert uploaded.status_code == 201, uploaded.text
    transcript = _wait_for(doctor, f"/transcriptions/{appointment['id']}",
                           lambda d: d["status"] in ("completed", "failed"))
    note = doctor.post(f"/notes/add/{appointment['id']}", json={"subjective": f"Snorkelwick{tag} since May"})
    assert note.status_code in (200, 201), note.text
    assert doctor.post(f"/notes/{appointment['id']}/sign").status_code == 200
    document = admin.post("/documents", data={"patient_id": pid, "kind": "lab_result", "title": f"Wobblestone{tag}"},
                          files={"file": (f"{phi['mrn']}.txt", f"{phi['first_name']} glucose\n".encode(), "text/plain")})
    assert document.status_code == 201
    # Refusals and errors echo nothing either.
    admin.post("/patients", json={**phi, "sex": "robot"})
    admin.patch(f"/patients/{pid}", json={"first_name": phi["first_name"], "bogus": phi["last_name"]})
    admin.post(f"/appointments/{appointment['id']}/cancel", json={"reason": f"Quagmire{tag}"})
    requests.post(f"{api}/auth/login", json={"email": phi["email"], "password": PASSWORD}, timeout=30)
    spoken = [w for w in transcript.get("text", "").split() if len(w) > 6][:20]
    debug_server.stop()  # flush everything
    log = debug_server.log_text()
    assert log.strip(), "the server wrote no log at all"
    leaks = [s for s in [*secrets, *spoken] if s in log]
    assert leaks == []


# Helpers --------------------------------------------------------------------------------------
def _wait_for(caller: Caller, path: str, ready: Any, timeout: float = 600) -> dict[str, Any]:
    return wait_for(caller, path, ready, timeout)


def _post_tolerating_early_reply(caller: Caller, path: str, **kwargs: Any) -> requests.Response:
    """A server that refuses a body early may answer before the client has sent it all.

    Send the request by hand and read the answer even when the rest of the upload is refused.
    """
    prepared = requests.Request("POST", caller.api + path, headers=caller.headers, **kwargs).prepare()
    host, port = caller.api.split("//")[1].split("/")[0].split(":")
    target = caller.api.split(str(port), 1)[1] + path
    head = f"POST {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in prepared.headers.items()) + "\r\n"
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        try:
            sock.sendall(head.encode() + (prepared.body if isinstance(prepared.body, bytes) else b""))
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    return _parse_response(b"".join(chunks))


def _parse_response(raw: bytes) -> requests.Response:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    response = requests.Response()
    response.status_code = int(lines[0].split()[1])
    response.headers.update(dict(line.split(": ", 1) for line in lines[1:] if ": " in line))
    if response.headers.get("Transfer-Encoding") == "chunked":
        body = _dechunk(body)
    response._content = body
    return response


def _dechunk(body: bytes) -> bytes:
    out, stream = b"", io.BytesIO(body)
    while (size := int(stream.readline().strip() or b"0", 16)):
        out += stream.read(size)
        stream.readline()
    return out


def _blob_files(server: ServerProcess) -> set[Path]:
    root = Path(server.data_dir) / "blobs"
    return {p for p in root.iterdir() if p.is_file()} if root.exists() else set()


def _staging_files(server: ServerProcess) -> list[Path]:
    staging = Path(server.data_dir) / "blobs" / "staging"
    return [p for p in staging.iterdir() if p.suffix != ".lock"] if staging.exists() else []  # the server's own lock


def _server_url(database_url: str) -> str:
    """The server-level URL (database ``postgres``) of the session's database."""
    head, _, tail = database_url.partition("?")
    return head.rsplit("/", 1)[0] + "/postgres" + (f"?{tail}" if tail else "")


def _account_key(email: str) -> str:
    from medisync.application.login_throttle import account_key

    return account_key(email)


def _attempts(database_url: str, column: str, value: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(f"SELECT outcome, count(*) FROM auth.login_attempts WHERE {column} = %s GROUP BY 1",
                            (value,)).fetchall()
    return {outcome: count for outcome, count in rows}
