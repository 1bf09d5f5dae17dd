"""Idempotency-Key on POST, over real HTTP and against the real event store:
a retry returns the first response and records nothing; the same key with
another request is 422; keys are per user; concurrent duplicates run once;
keys expire after 24 hours."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator

import psycopg
import pytest
import requests
from psycopg.rows import dict_row

from medisync.adapters.postgres.connection import datastore
from medisync.adapters.postgres.idempotency_store import (IN_PROGRESS, MISMATCH, OWNED, REPLAY,
                                                          PostgresIdempotencyStore)
from tests.support.api import PASSWORD, Caller, assert_error, invite, register_practice, schedule, unique_email
from tests.support.audio import wav_bytes
from tests.support.server import ServerProcess

DAY = 24 * 3600


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> Caller:
    return register_practice(server.api, "idem")


@pytest.fixture(scope="module")
def db(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


def head(db: psycopg.Connection[Any]) -> int:
    return db.execute("SELECT coalesce(max(notification_id), 0) AS n FROM medisync_events").fetchone()["n"]


def topics_since(db: psycopg.Connection[Any], after: int, *kinds: str) -> list[str]:
    rows = db.execute("SELECT topic FROM medisync_events WHERE notification_id > %s", (after,)).fetchall()
    return [r["topic"] for r in rows if any(kind in r["topic"] for kind in kinds)]


def patient_body(**overrides: Any) -> dict[str, Any]:
    return {"mrn": f"ID-{uuid.uuid4().hex[:10]}", "first_name": "Ida", "last_name": "Empotent",
            "date_of_birth": "1977-07-07", "sex": "female", **overrides}


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_a_retry_returns_the_first_response_and_records_nothing(admin: Caller, db: Any) -> None:
    headers, body = key(), patient_body()
    first = admin.post("/patients", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    before = head(db)
    # Key order and spacing do not matter: the body is compared as JSON.
    retry = admin.post("/patients", json=dict(reversed(list(body.items()))), headers=headers)
    assert retry.status_code == 201 and retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.headers["ETag"] == first.headers["ETag"]
    assert retry.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert topics_since(db, before, "Patient", "MrnIndex") == []
    found = admin.get("/patients", params={"search": body["mrn"]}).json()["data"]
    assert [p["id"] for p in found] == [first.json()["data"]["id"]]


def test_the_same_key_with_another_request_is_422(admin: Caller, db: Any) -> None:
    headers, body = key(), patient_body()
    assert admin.post("/patients", json=body, headers=headers).status_code == 201
    before = head(db)
    changed = admin.post("/patients", json={**body, "first_name": "Other"}, headers=headers)
    assert_error(changed, 422, "unprocessable")
    elsewhere = admin.post("/users/invitations", json={"email": unique_email("i"), "role": "nurse"},
                           headers=headers)
    assert_error(elsewhere, 422, "unprocessable")
    assert topics_since(db, before, "Patient", "Invitation") == []


def test_keys_are_scoped_per_user(admin: Caller, server: ServerProcess) -> None:
    nurse = invite(admin, "nurse", "idem")
    headers, body = key(), patient_body()
    mine = admin.post("/patients", json=body, headers=headers)
    theirs = nurse.post("/patients", json={**body, "mrn": body["mrn"] + "-N"}, headers=headers)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["data"]["id"] != theirs.json()["data"]["id"]
    other = register_practice(server.api, "idem-other")
    same_body = other.post("/patients", json=body, headers=headers)  # same key, same body, other user
    assert same_body.status_code == 201 and "Idempotent-Replayed" not in same_body.headers
    assert same_body.json()["data"]["id"] != mine.json()["data"]["id"]


def test_a_refused_request_does_not_pin_its_key(admin: Caller) -> None:
    headers, body = key(), patient_body()
    invalid = admin.post("/patients", json={**body, "sex": "robot"}, headers=headers)
    assert_error(invalid, 400, "validation_error")
    assert admin.post("/patients", json=body, headers=headers).status_code == 201
    duplicate_headers = key()
    assert_error(admin.post("/patients", json=body, headers=duplicate_headers), 409, "conflict")
    fixed = admin.post("/patients", json={**body, "mrn": body["mrn"] + "-2"}, headers=duplicate_headers)
    assert fixed.status_code == 201


def test_concurrent_duplicates_run_once(admin: Caller, db: Any) -> None:
    headers, body, parallel = key(), patient_body(), 8
    barrier = threading.Barrier(parallel)
    before = head(db)

    def send(_: int) -> requests.Response:
        barrier.wait()
        return admin.post("/patients", json=body, headers=headers)

    with ThreadPoolExecutor(parallel) as pool:
        responses = list(pool.map(send, range(parallel)))
    created = [r for r in responses if r.status_code == 201]
    assert created and all(r.status_code in (201, 409) for r in responses), [r.text for r in responses]
    for busy in (r for r in responses if r.status_code == 409):
        assert_error(busy, 409, "idempotency_key_in_use")
    assert len({r.json()["data"]["id"] for r in created}) == 1
    assert len([t for t in topics_since(db, before, "Patient") if t.endswith("Registered")]) == 1
    settled = admin.post("/patients", json=body, headers=headers)  # once settled, every retry replays
    assert settled.status_code == 201 and settled.json() == created[0].json()


def test_uploads_replay_by_content(admin: Caller, db: Any) -> None:
    doctor = invite(admin, "doctor", "idem")
    patient = admin.post("/patients", json=patient_body()).json()["data"]
    appointment = schedule(admin, patient["id"], doctor.id, start="2029-06-01T09:00:00+00:00")
    audio, headers = wav_bytes(1.0), key()

    def upload(content: bytes) -> requests.Response:
        # requests picks a new multipart boundary each time: the fingerprint must not care.
        return doctor.post(f"/recordings/{appointment['id']}", files={"file": ("v.wav", content, "audio/wav")},
                           headers=headers)

    first = upload(audio)
    assert first.status_code == 201, first.text
    before = head(db)
    again = upload(audio)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert_error(upload(wav_bytes(1.0)), 422, "unprocessable")
    assert topics_since(db, before, "Recording.Uploaded") == []
    assert len(doctor.get(f"/recordings/{appointment['id']}").json()["data"]) == 1
    doc_headers = key()
    form = {"patient_id": patient["id"], "kind": "other", "title": "Note"}
    docs = [admin.post("/documents", data=form, files={"file": ("n.txt", b"same text\n", "text/plain")},
                       headers=doc_headers) for _ in range(2)]
    assert [d.status_code for d in docs] == [201, 201] and docs[0].json() == docs[1].json()
    retitled = admin.post("/documents", data={**form, "title": "Other"}, headers=doc_headers,
                          files={"file": ("n.txt", b"same text\n", "text/plain")})
    assert_error(retitled, 422, "unprocessable")


def test_anonymous_registration_replays_per_client(server: ServerProcess, db: Any) -> None:
    headers = key()
    body = {"email": unique_email("idem-reg"), "password": PASSWORD, "full_name": "Reg Retry",
            "practice_name": "Retry Clinic"}
    first = requests.post(f"{server.api}/auth/register", json=body, headers=headers, timeout=30)
    assert first.status_code == 201, first.text
    before = head(db)
    retry = requests.post(f"{server.api}/auth/register", json=body, headers=headers, timeout=30)
    assert retry.status_code == 201 and retry.json() == first.json()
    assert topics_since(db, before, "User", "Practice", "EmailIndex") == []


def test_key_format_is_checked(admin: Caller) -> None:
    for bad in ("x" * 256, "\u00e9t\u00e9"):
        response = admin.post("/patients", json=patient_body(), headers={"Idempotency-Key": bad.encode().decode("latin-1")})
        assert_error(response, 400, "validation_error")
    assert admin.post("/patients", json=patient_body(), headers={"Idempotency-Key": "k" * 255}).status_code == 201


def test_keys_are_kept_for_24_hours_and_stored_sealed(admin: Caller, db: Any) -> None:
    body = patient_body(last_name="Sealedname")
    response = admin.post("/patients", json=body, headers=key())
    assert response.status_code == 201
    rows = db.execute("SELECT key_id, expires_at - created_at AS ttl, body FROM auth.idempotency_keys "
                      "WHERE state = 'done' ORDER BY created_at DESC LIMIT 1").fetchall()
    assert rows and rows[0]["ttl"] == DAY
    stored = bytes(rows[0]["body"])
    assert b"Sealedname" not in stored and body["mrn"].encode() not in stored  # the PHI is encrypted


def test_expiry_and_abandoned_claims_in_the_store(database_url: str) -> None:
    """The store on its own, with a controlled clock (no waiting for a day)."""
    now = [1_000_000.0]
    store = PostgresIdempotencyStore(datastore(database_url, pool_size=1), ttl_s=DAY, lock_s=60,
                                     clock=lambda: now[0])
    store.create_tables()
    try:
        key_id = f"test-{uuid.uuid4().hex}"
        assert store.claim(key_id, "fp").outcome == OWNED
        assert store.claim(key_id, "fp").outcome == IN_PROGRESS
        now[0] += 61  # the owner died without answering: its lock lapses
        claimed_at = now[0]
        assert store.claim(key_id, "fp").outcome == OWNED
        store.complete(key_id, 201, {"Content-Type": "application/json"}, b"sealed")
        now[0] = claimed_at + DAY - 1
        replay = store.claim(key_id, "fp")
        assert (replay.outcome, replay.status, replay.body) == (REPLAY, 201, b"sealed")
        assert store.claim(key_id, "other").outcome == MISMATCH
        now[0] = claimed_at + DAY  # 24 hours on, the key is free again
        assert store.claim(key_id, "other").outcome == OWNED
        now[0] += DAY + 1
        assert store.purge_expired() >= 1 and store.expiry_of(key_id) is None
    finally:
        store.datastore.close()
