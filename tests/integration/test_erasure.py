"""GDPR erasure by crypto-shredding: after erasing a patient who went through
the whole workflow, no table and no blob holds their PHI in plaintext, the
events remain, and the API answers 404."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import psycopg
import pytest
from psycopg import sql

from medisync.domain.clinical_note import ClinicalNote
from medisync.interface.bootstrap import Container, bootstrap
from medisync.interface.processes import erasure_evictor
from medisync.interface.settings import Settings
from tests.support.api import (assert_error, create_patient, invite, register_practice, schedule,
                               wait_for_transcript)
from tests.support.audio import wav_bytes
from tests.support.container import env_for, populate
from tests.support.processes import fresh_database
from tests.support.server import ServerProcess

MARKS = {"first_name": "Ottoline", "last_name": "Vexworthy", "mrn": "MRN-ERASE-31337",
         "date_of_birth": "1944-02-29", "phone": "+1-555-0142-9999", "email": "ottoline.vex@example.test"}
NOTE_PHRASE = "Vexworthy reports florid zugzwang symptoms"


@pytest.fixture(scope="module")
def erasing_server(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[ServerProcess]:
    url = fresh_database(database_url)
    server = ServerProcess(tmp_path_factory.mktemp("erase"), url, {"MEDISYNC_KAFKA_BOOTSTRAP": ""}).start()
    yield server
    server.stop()


_wait_for_transcript = wait_for_transcript


def _needles(transcript_text: str) -> list[bytes]:
    words = [w for w in transcript_text.split() if len(w) > 3][:12]
    transcript_phrase = " ".join(words[4:10])
    assert len(transcript_phrase) > 20, transcript_text
    return [value.encode() for value in (*MARKS.values(), NOTE_PHRASE, transcript_phrase)]


def _scan_database(url: str, needles: list[bytes]) -> list[tuple[str, bytes]]:
    found = []
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema')").fetchall()
        for schema, table in tables:
            for row in conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(schema, table))):
                blob = b"\x00".join(bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode()
                                    for v in row)
                found += [(f"{schema}.{table}", n) for n in needles if n in blob]
    return found


def _scan_files(root: Path, needles: list[bytes], audio: bytes) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and "pgdata" not in path.parts:
            content = path.read_bytes()
            if content == audio or any(n in content for n in needles):
                hits.append(str(path))
    return hits


def test_erased_patient_leaves_no_plaintext(erasing_server: ServerProcess, dialogue_wav: Path) -> None:
    admin = register_practice(erasing_server.api)
    doctor = invite(admin, "doctor")
    patient = create_patient(admin, **MARKS)
    appointment = schedule(admin, patient["id"], doctor.id)
    audio = dialogue_wav.read_bytes()
    assert doctor.post(f"/recordings/{appointment['id']}", files={"file": ("v.wav", audio)}).status_code == 201
    transcript = _wait_for_transcript(doctor, appointment["id"])
    assert transcript["status"] == "completed"
    assert doctor.post(f"/notes/add/{appointment['id']}", json={"subjective": NOTE_PHRASE}).status_code in (200, 201)
    document = admin.post("/documents", files={"file": ("r.txt", f"Lab for {MARKS['last_name']}".encode())},
                          data={"patient_id": patient["id"], "kind": "lab_result", "title": MARKS["last_name"]})
    assert document.status_code == 201
    needles = _needles(transcript["text"])
    assert _scan_database(erasing_server.env["MEDISYNC_DATABASE_URL"], needles[:1]) != []  # read models hold it now

    assert_error(admin.delete(f"/patients/{patient['id']}", params={"erase": "true"}), 400, "validation_error")
    assert_error(doctor.delete(f"/patients/{patient['id']}", params={"erase": "true", "reason": "GDPR-42"}), 403)
    erased = admin.delete(f"/patients/{patient['id']}", params={"erase": "true", "reason": "GDPR Art.17 ticket 42"})
    assert erased.status_code == 204, erased.text

    assert _scan_database(erasing_server.env["MEDISYNC_DATABASE_URL"], needles) == []
    assert _scan_files(erasing_server.data_dir, needles, audio) == []
    for path in (f"/patients/{patient['id']}", f"/appointments/get/{appointment['id']}",
                 f"/notes/{appointment['id']}", f"/transcriptions/{appointment['id']}"):
        assert_error(admin.get(path), 404, "not_found")
    with psycopg.connect(erasing_server.env["MEDISYNC_DATABASE_URL"]) as conn:
        kept = conn.execute("SELECT count(*) FROM medisync_events WHERE originator_id = %s", (patient["id"],)).fetchone()
    assert kept is not None and kept[0] >= 2  # the events remain: registered ... erased


def test_nothing_new_is_recorded_about_an_erased_patient(erasing_server: ServerProcess) -> None:
    """Every command on the erased patient's appointment, note and documents
    answers 404 and appends nothing: the read side and the write side agree."""
    admin = register_practice(erasing_server.api, "eraseadmin")
    doctor = invite(admin, "doctor")
    patient = create_patient(admin, mrn="MRN-ERASE-2", last_name="Quillfeather")
    appointment = schedule(admin, patient["id"], doctor.id)
    pid, aid = patient["id"], appointment["id"]
    assert doctor.post(f"/notes/add/{aid}", json={"subjective": "Thirsty."}).status_code == 201
    document = admin.post("/documents", files={"file": ("r.txt", b"HbA1c 7.9%")},
                          data={"patient_id": pid, "kind": "lab_result", "title": "HbA1c"}).json()["data"]
    subjects = (pid, aid, str(ClinicalNote.create_id(aid)), document["id"])
    erased = admin.delete(f"/patients/{pid}", params={"erase": "true", "reason": "GDPR Art.17 ticket 43"})
    assert erased.status_code == 204, erased.text
    url = erasing_server.env["MEDISYNC_DATABASE_URL"]
    recorded = _events_about(url, subjects)

    not_found = [
        (doctor, "POST", f"/notes/add/{aid}", {"json": {"subjective": "Still thirsty."}}),
        (doctor, "POST", f"/notes/{aid}/sign", {}),
        (doctor, "POST", f"/recordings/{aid}", {"files": {"file": ("v.wav", wav_bytes(1.0))}}),
        (admin, "POST", f"/appointments/{aid}/check-in", {}),
        (admin, "POST", f"/appointments/{aid}/cancel", {"json": {"reason": "patient moved away"}}),
        (admin, "POST", f"/appointments/{aid}/reschedule",
         {"json": {"start": "2027-02-01T09:00:00+00:00", "duration_minutes": 30}}),
        (admin, "DELETE", f"/documents/{document['id']}", {}),
        (admin, "PATCH", f"/patients/{pid}", {"json": {"first_name": "Ada"}}),
    ]
    for caller, method, path, kwargs in not_found:
        assert_error(caller.request(method, path, **kwargs), 404, "not_found")
    rebooked = admin.post("/appointments/add", json={
        "patient_id": pid, "doctor_id": doctor.id, "start": "2027-03-01T09:00:00+00:00",
        "duration_minutes": 30, "type": "follow_up", "reason": "review"})
    assert assert_error(rebooked, 400, "validation_error")["details"] == {"field": "patient_id"}
    assert _events_about(url, subjects) == recorded


def _events_about(url: str, originator_ids: tuple[str, ...]) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM medisync_events WHERE originator_id = ANY(%s::uuid[])",
                           (list(originator_ids),)).fetchone()
    assert row is not None
    return int(row[0])


def test_an_erasure_in_one_process_evicts_the_patient_from_another_processs_cache(
        database_url: str, tmp_path: Path) -> None:
    """Two processes' worth of application on one database: the one that did not
    erase drops its cached, decrypted copy when it sees ``Patient.Erased``."""
    settings = Settings.from_env(env_for(fresh_database(database_url), tmp_path))
    eraser = bootstrap(settings)
    other = bootstrap(settings)
    try:
        other.add_follower(erasure_evictor(other))
        principal, patient_id = populate(eraser)
        cached = other.app.load(patient_id, "patient")
        assert cached.demographics["last_name"] == "Chainworth"
        assert _cached_ids(other) >= {patient_id}

        eraser.erasure.erase(principal, patient_id, "GDPR Art.17 ticket 44")
        deadline = time.monotonic() + 30
        while patient_id in _cached_ids(other) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert patient_id not in _cached_ids(other)
        assert other.app.patient_erased(patient_id)
    finally:
        other.close()
        eraser.close()


def _cached_ids(container: Container) -> set[str]:
    cache = container.app.repository.cache
    return {str(key) for key in list(cache.cache)}
