"""The audit API over real HTTP: the event log with filters, aggregate history
and point-in-time state, the export, signed checkpoints; auditors and admins
only, and only their own practice."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from medisync.adapters.postgres.audit_signing import verify_signature
from tests.support.api import assert_error, create_patient, invite, register_practice, schedule
from tests.support.server import REPO, ServerProcess


@pytest.fixture(scope="module")
def audit_server(server: ServerProcess) -> ServerProcess:
    """The session's server: the audit needs nothing special."""
    return server


@pytest.fixture(scope="module")
def practice(audit_server: ServerProcess) -> dict[str, Any]:
    admin = register_practice(audit_server.api, "auditadmin")
    doctor = invite(admin, "doctor")
    patient = admin.post("/patients", headers={"X-Request-ID": "req-audit-create-01"}, json={
        "mrn": "MRN-AUD-1", "first_name": "Perpetua", "last_name": "Ledgerwood",
        "date_of_birth": "1961-07-30", "sex": "female", "phone": "+1-555-0111"})
    assert patient.status_code == 201, patient.text
    created = patient.json()["data"]
    updated = admin.patch(f"/patients/{created['id']}", headers={"X-Request-ID": "req-audit-patch-01"},
                          json={"phone": "+1-555-0222"})
    assert updated.status_code == 200, updated.text
    appointment = schedule(doctor, created["id"], doctor.id)
    return {"admin": admin, "doctor": doctor, "auditor": invite(admin, "auditor"),
            "nurse": invite(admin, "nurse"), "patient": created, "appointment": appointment}


def _data(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_only_auditors_and_admins_may_read_the_audit(practice: dict[str, Any]) -> None:
    patient_id = practice["patient"]["id"]
    paths = ["/audit/events", f"/audit/aggregates/{patient_id}/history",
             f"/audit/aggregates/{patient_id}/state?as_of=2030-01-01T00:00:00Z",
             f"/audit/access?patient_id={patient_id}", "/audit/export", "/audit/checkpoints"]
    for role in ("doctor", "nurse"):
        for path in paths:
            assert_error(practice[role].get(path), 403, "forbidden")
    for role in ("auditor", "admin"):
        for path in paths:
            assert practice[role].get(path).status_code == 200, (role, path)


def test_events_are_filtered_paginated_and_newest_first(practice: dict[str, Any]) -> None:
    auditor, admin, doctor = practice["auditor"], practice["admin"], practice["doctor"]
    patient_id = practice["patient"]["id"]
    events = _data(auditor.get("/audit/events", params={"aggregate_id": patient_id}))
    assert [e["event_type"] for e in events] == ["Patient.DemographicsUpdated", "Patient.Registered"]
    assert [e["aggregate_version"] for e in events] == [2, 1]
    registered = events[1]
    assert registered["actor"] == {"user_id": admin.id, "request_id": "req-audit-create-01"}
    assert events[0]["actor"]["request_id"] == "req-audit-patch-01"
    assert registered["data"]["phi"]["last_name"] == "Ledgerwood"  # decrypted for the auditor
    assert registered["practice_id"] == admin.user["practice_id"]

    by_type = _data(auditor.get("/audit/events", params={"event_type": "Patient.Registered"}))
    assert [e["aggregate_id"] for e in by_type] == [patient_id]
    short = _data(auditor.get("/audit/events", params={"event_type": "registered", "aggregate_type": "patient"}))
    assert [e["aggregate_id"] for e in short] == [patient_id]
    by_doctor = _data(auditor.get("/audit/events", params={"actor": doctor.id, "per_page": 100}))
    assert by_doctor and all(e["actor"]["user_id"] == doctor.id for e in by_doctor)
    assert "Appointment.Scheduled" in {e["event_type"] for e in by_doctor}

    between = registered["occurred_at"]
    newer = _data(auditor.get("/audit/events", params={"aggregate_id": patient_id, "since": events[0]["occurred_at"]}))
    assert [e["aggregate_version"] for e in newer] == [2]
    older = _data(auditor.get("/audit/events", params={"aggregate_id": patient_id, "until": events[0]["occurred_at"]}))
    assert [e["occurred_at"] for e in older] == [between]

    page = auditor.get("/audit/events", params={"per_page": 2, "page": 2})
    assert page.status_code == 200
    meta = page.json()["meta"]["pagination"]
    assert meta["page"] == 2 and meta["per_page"] == 2 and meta["total"] >= 5
    everything = _data(auditor.get("/audit/events", params={"per_page": 100}))
    ids = [e["notification_id"] for e in everything]
    assert ids == sorted(ids, reverse=True) and page.json()["data"] == everything[2:4]
    assert all(e["practice_id"] == admin.user["practice_id"] for e in everything)
    assert_error(auditor.get("/audit/events", params={"since": "yesterday"}), 400, "validation_error")


def test_history_shows_who_changed_what(practice: dict[str, Any]) -> None:
    auditor, admin = practice["auditor"], practice["admin"]
    history = _data(auditor.get(f"/audit/aggregates/{practice['patient']['id']}/history"))
    assert history["aggregate_type"] == "Patient" and history["version"] == 2
    first, second = history["events"]
    assert first["event_type"] == "Patient.Registered" and first["actor"]["user_id"] == admin.id
    assert first["request_id"] == "req-audit-create-01"
    assert second["request_id"] == "req-audit-patch-01"
    assert list(second["changes"]) == ["demographics"]
    change = second["changes"]["demographics"]
    assert change["old"]["phone"] == "+1-555-0111" and change["new"]["phone"] == "+1-555-0222"
    user = _data(auditor.get(f"/audit/aggregates/{admin.id}/history"))
    assert user["events"][0]["data"]["password_hash"] == "[redacted]"


def test_state_as_of_replays_up_to_that_moment(practice: dict[str, Any]) -> None:
    auditor = practice["auditor"]
    patient_id = practice["patient"]["id"]
    first, second = _data(auditor.get(f"/audit/aggregates/{patient_id}/history"))["events"]
    then = _data(auditor.get(f"/audit/aggregates/{patient_id}/state", params={"as_of": first["occurred_at"]}))
    assert then["version"] == 1 and then["current_version"] == 2
    assert then["state"]["demographics"]["phone"] == "+1-555-0111"
    now = _data(auditor.get(f"/audit/aggregates/{patient_id}/state",
                            params={"as_of": datetime.now(timezone.utc).isoformat()}))
    assert now["version"] == 2 and now["state"]["demographics"]["phone"] == "+1-555-0222"
    assert now["recorded_at"] == second["occurred_at"]
    before = datetime.fromisoformat(first["occurred_at"]) - timedelta(seconds=1)
    assert_error(auditor.get(f"/audit/aggregates/{patient_id}/state", params={"as_of": before.isoformat()}), 404)
    assert_error(auditor.get(f"/audit/aggregates/{patient_id}/state"), 400, "validation_error")


def test_another_practice_sees_nothing(practice: dict[str, Any], audit_server: ServerProcess) -> None:
    stranger = register_practice(audit_server.api, "stranger")
    patient_id = practice["patient"]["id"]
    assert_error(stranger.get(f"/audit/aggregates/{patient_id}/history"), 404, "not_found")
    assert_error(stranger.get(f"/audit/aggregates/{patient_id}/state",
                              params={"as_of": "2100-01-01T00:00:00Z"}), 404, "not_found")
    assert_error(stranger.get(f"/audit/access?patient_id={patient_id}"), 404, "not_found")
    listed = stranger.get("/audit/events", params={"aggregate_id": patient_id})
    assert listed.status_code == 200 and listed.json()["data"] == []
    exported = stranger.get("/audit/export").text.splitlines()
    assert exported and all(json.loads(line)["practice_id"] == stranger.user["practice_id"] for line in exported)
    assert_error(stranger.get("/audit/aggregates/not-a-uuid/history"), 404)


def test_export_streams_json_lines_and_csv(practice: dict[str, Any]) -> None:
    auditor = practice["auditor"]
    lines = auditor.get("/audit/export", params={"format": "jsonl"})
    assert lines.status_code == 200 and lines.headers["Content-Type"].startswith("application/x-ndjson")
    assert lines.headers["X-Request-ID"]
    items = [json.loads(line) for line in lines.text.splitlines()]
    ids = [i["notification_id"] for i in items]
    assert ids == sorted(ids) and len(items) >= 5
    assert {i["practice_id"] for i in items} == {practice["admin"].user["practice_id"]}
    assert practice["patient"]["id"] in {i["aggregate_id"] for i in items}

    table = auditor.get("/audit/export", params={"format": "csv", "aggregate_id": practice["patient"]["id"]})
    assert table.status_code == 200 and table.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert [r["event_type"] for r in rows] == ["Patient.Registered", "Patient.DemographicsUpdated"]
    assert json.loads(rows[0]["data"])["phi"]["first_name"] == "Perpetua"
    assert_error(auditor.get("/audit/export", params={"format": "xml"}), 400, "validation_error")


def test_an_erased_patient_reads_as_erased_in_the_audit(practice: dict[str, Any]) -> None:
    admin, auditor = practice["admin"], practice["auditor"]
    patient = create_patient(admin, first_name="Evanthe", last_name="Shredwell")
    erased = admin.delete(f"/patients/{patient['id']}", params={"erase": "true", "reason": "GDPR ticket 7"})
    assert erased.status_code == 204, erased.text
    history = _data(auditor.get(f"/audit/aggregates/{patient['id']}/history"))
    assert history["events"][0]["data"]["phi"] == {"erased": True}
    assert history["events"][-1]["event_type"] == "Patient.Erased"
    assert history["events"][-1]["actor"]["user_id"] == admin.id
    assert "Shredwell" not in json.dumps(history)


def test_checkpoints_are_signed_with_a_published_key(practice: dict[str, Any], audit_server: ServerProcess) -> None:
    auditor = practice["auditor"]
    before = _data(auditor.get("/audit/checkpoints"))["checkpoints"]
    # The follower signs one every MEDISYNC_AUDIT_CHECKPOINT_INTERVAL_S; an operator can force one.
    done = subprocess.run([sys.executable, "-m", "medisync.interface.cli", "audit", "checkpoint"],
                          env={**audit_server.env, "MEDISYNC_LOG_FORMAT": "text", "MEDISYNC_ML_ENABLED": "false",
                               "MEDISYNC_DB_POOL_SIZE": "2"},
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    exported = _data(auditor.get("/audit/checkpoints"))
    assert len(exported["checkpoints"]) == len(before) + 1
    assert exported["algorithm"] == "Ed25519"
    assert exported["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    latest = exported["checkpoints"][-1]
    assert verify_signature(exported["public_key_pem"], latest["payload"].encode(), latest["signature"])
    assert not verify_signature(exported["public_key_pem"], latest["payload"].encode() + b"x", latest["signature"])
    body = json.loads(latest["payload"])
    assert body["kind"] == "medisync-audit-checkpoint" and body["events"]["notification_id"] > 0
    assert body["events"]["notification_id"] <= exported["heads"]["events"]["position"]
