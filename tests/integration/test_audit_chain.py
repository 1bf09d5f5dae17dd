"""Tamper evidence: the hash chains over the event store and the PHI access
log, the signed checkpoints, and `medisync audit verify`.

Against real Postgres: one byte of one stored event is changed directly in
the table and one access-log row is deleted (bypassing the append-only
trigger, as a database superuser could); verify must name both precisely.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psycopg
import pytest

from medisync.adapters.postgres.audit_signing import verify_signature
from medisync.application.audit import chain
from medisync.application.principal import Principal
from medisync.interface.bootstrap import Container
from tests.support.container import access_entries, env_for, populate
from tests.support.polling import wait_until
from tests.support.server import REPO


def _url(container: Container) -> str:
    return container.database_url


def _flip_byte_in(url: str, notification_id: int, marker: bytes) -> int:
    """Change one byte of the stored event, inside the JSON value after ``marker``."""
    with psycopg.connect(url, autocommit=True) as conn:
        state = bytes(conn.execute("SELECT state FROM medisync_events WHERE notification_id = %s",
                                   (notification_id,)).fetchone()[0])
        offset = state.index(marker) + len(marker)
        replacement = ord("X") if state[offset] != ord("X") else ord("Y")
        conn.execute("UPDATE medisync_events SET state = set_byte(state, %s, %s) WHERE notification_id = %s",
                     (offset, replacement, notification_id))
    return offset


def _delete_access_row(url: str, seq: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("DELETE FROM audit.access_log WHERE seq = %s", (seq,))
        # A superuser can switch the trigger off; the chain still tells.
        conn.execute("SET session_replication_role = replica")
        conn.execute("DELETE FROM audit.access_log WHERE seq = %s", (seq,))


def _event(url: str, topic_suffix: str) -> dict[str, Any]:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT notification_id, originator_id, originator_version, topic "
                           "FROM medisync_events WHERE topic LIKE %s ORDER BY notification_id LIMIT 1",
                           (f"%{topic_suffix}",)).fetchone()
    return {"notification_id": row[0], "originator_id": str(row[1]), "version": row[2], "topic": row[3]}


def test_verify_reports_one_changed_byte_and_one_deleted_access_row(container: Container) -> None:
    audit = container.audit
    assert audit is not None
    principal, patient_id = populate(container)
    audit.store.append_access(access_entries(principal, patient_id, 6))
    audit.chainer.catch_up()
    assert audit.verify()["ok"] is True
    checkpoint = audit.checkpoint()
    assert checkpoint is not None
    clean = audit.verify()
    assert clean["ok"] is True and clean["checkpoints"]["checked"] == 1
    assert clean["events"]["checked"] >= 5 and clean["access_log"]["checked"] == 6

    url = _url(container)
    target = _event(url, "Patient.Registered")
    offset = _flip_byte_in(url, target["notification_id"], b'"request_id":"')
    _delete_access_row(url, 3)

    report = audit.verify()
    assert report["ok"] is False
    events = report["events"]
    assert len(events["problems"]) == 1, events["problems"]
    first = events["first_broken"]
    assert first["kind"] == "content_changed" and first["position"] == target["notification_id"]
    assert f"event #{target['notification_id']}" in first["message"]
    assert "Patient.Registered v1" in first["message"] and target["originator_id"] in first["message"]
    state = first["detail"]["state"]
    assert state["fields"] == ["actor"]  # the byte sits in the actor's request id
    assert state["length"] == {"recorded": state["length"]["now"], "now": state["length"]["now"]}
    assert any(low <= offset <= high for low, high in state["byte_ranges"])
    assert len(state["byte_ranges"]) == 1

    access = report["access_log"]
    assert [(p["kind"], p["position"]) for p in access["problems"]] == [("deleted", 3)]
    assert access["first_broken"]["detail"] == {"missing_seq": [3, 3], "next_seq": 4}
    assert "seq 3 is missing" in access["first_broken"]["message"]

    # The signed checkpoint no longer matches either chain.
    kinds = [(p["kind"], p["detail"]["chain"]) for p in report["checkpoints"]["problems"]]
    assert kinds == [("checkpoint_mismatch", "events"), ("checkpoint_mismatch", "access_log")]

    # The same from the command line: exit status 1 and both records named.
    done = subprocess.run([sys.executable, "-m", "medisync.interface.cli", "audit", "verify"],
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env=env_for(url, Path(container.settings.data_dir)))
    assert done.returncode == 1, done.stderr[-3000:]
    assert f"first broken link: event #{target['notification_id']}" in done.stdout
    assert "field(s) actor" in done.stdout
    assert "access-log row seq 3 is missing (deleted)" in done.stdout
    assert "verification FAILED" in done.stdout


def test_checkpoints_can_be_checked_by_a_third_party(container: Container) -> None:
    audit = container.audit
    assert audit is not None
    principal, patient_id = populate(container)
    audit.store.append_access(access_entries(principal, patient_id, 3))
    assert audit.checkpoint() is not None
    exported = audit.service.checkpoints(Principal(principal.user_id, principal.practice_id, "auditor",
                                                   "standard"))
    (signed,) = exported["checkpoints"]
    assert verify_signature(exported["public_key_pem"], signed["payload"].encode(), signed["signature"])
    assert not verify_signature(exported["public_key_pem"], signed["payload"].encode() + b" ", signed["signature"])
    body = json.loads(signed["payload"])

    # Recompute the event chain from the raw table with nothing but hashlib.
    running = "00" * 32
    with psycopg.connect(_url(container)) as conn:
        rows = conn.execute("SELECT notification_id, topic, originator_id, originator_version, state "
                            "FROM medisync_events WHERE notification_id <= %s ORDER BY notification_id",
                            (body["events"]["notification_id"],)).fetchall()
    for notification_id, topic, originator_id, version, state in rows:
        head = json.dumps([notification_id, topic, str(originator_id), version], separators=(",", ":")).encode()
        record = len(head).to_bytes(4, "big") + head + bytes(state)
        running = hashlib.sha256(bytes.fromhex(running) + record).hexdigest()
    assert running == body["events"]["hash"]
    assert body["access_log"]["seq"] == 3

    # The key is created once per data directory, as PEM, readable only by its owner.
    key_file = Path(container.settings.data_dir) / "keys" / "audit-ed25519.pem"
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert key_file.stat().st_mode & 0o077 == 0


def test_the_follower_chains_new_events_and_signs_checkpoints(container: Container) -> None:
    audit = container.audit
    assert audit is not None
    follower = audit.follower()
    follower.checkpoint_interval_s = 0.2
    container.add_follower(follower)  # type: ignore[arg-type]
    principal, _ = populate(container)
    head = container.app.recorder.max_notification_id()
    wait_until(lambda: int(audit.store.head("events")["position"]) >= head)
    wait_until(lambda: len(audit.store.checkpoints()) >= 1)
    assert audit.verify(catch_up=False)["ok"] is True


# The chain functions on their own: every kind of damage is named.
def _records(n: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    events, links, prev = [], [], chain.GENESIS
    for i in range(1, n + 1):
        state = json.dumps({"actor": {"user_id": f"u{i}"}, "value": i}).encode()
        event = {"notification_id": i, "topic": "m:Thing.Happened", "originator_id": f"id-{i}",
                 "originator_version": 1, "state": state}
        record = chain.event_record(i, event["topic"], event["originator_id"], 1, state)
        link = chain.link(prev, record)
        links.append({**{k: v for k, v in event.items() if k != "state"},
                      "content_sha256": hashlib.sha256(record).hexdigest(),
                      "fingerprint": chain.fingerprint(state), "prev_hash": prev, "link_hash": link})
        events.append(event)
        prev = link
    return events, links


def test_chain_names_deleted_inserted_and_edited_records() -> None:
    events, links = _records(6)
    head = {"position": 6, "link_hash": links[-1]["link_hash"]}
    assert chain.verify_event_chain(events, links, head).problems == []

    deleted = chain.verify_event_chain([e for e in events if e["notification_id"] != 2], links, head)
    assert [(p.kind, p.position) for p in deleted.problems] == [("deleted", 2)]

    unchained = chain.verify_event_chain(events, [l for l in links if l["notification_id"] != 4], head)
    assert [(p.kind, p.position) for p in unchained.problems] == [("inserted", 4), ("relinked", 5)]
    smuggled = chain.verify_event_chain(events + [{**events[0], "notification_id": 7}], links,
                                        {"position": 8, "link_hash": links[-1]["link_hash"]})
    assert [(p.kind, p.position) for p in smuggled.problems] == [("inserted", 7)]

    edited_links = [dict(l) for l in links]
    edited_links[2]["link_hash"] = "ab" * 32
    edited = chain.verify_event_chain(events, edited_links, head)
    assert [(p.kind, p.position) for p in edited.problems] == [("link_altered", 3), ("relinked", 4)]

    header = [dict(e) for e in events]
    header[4]["originator_version"] = 2
    report = chain.verify_event_chain(header, links, head)
    assert report.problems[0].kind == "content_changed"
    assert "originator_version '1' -> '2'" in report.problems[0].message

    truncated = chain.verify_event_chain(events[:5], links[:5], head)
    assert [p.kind for p in truncated.problems] == ["head_mismatch"]

    pending = chain.verify_event_chain(events + [{**events[0], "notification_id": 9}], links, head)
    assert pending.problems == [] and pending.pending == 1


def test_access_chain_names_missing_and_altered_rows() -> None:
    rows, prev = [], chain.GENESIS
    for seq in range(1, 6):
        row = {"seq": seq, "at": datetime(2026, 1, 1, tzinfo=timezone.utc), "user_id": "u", "status": 200,
               "action": "read", "resource_type": "patient", "prev_hash": prev}
        row["link_hash"] = prev = chain.link(prev, chain.access_record(row))
        rows.append(row)
    head = {"position": 5, "link_hash": prev}
    assert chain.verify_access_log(rows, head).problems == []
    gone = chain.verify_access_log([r for r in rows if r["seq"] not in (2, 3)], head)
    assert [(p.kind, p.position, p.detail.get("missing_seq")) for p in gone.problems] == [("deleted", 2, [2, 3])]
    tail = chain.verify_access_log(rows[:3], head)
    assert [(p.kind, p.detail["missing_seq"]) for p in tail.problems] == [("deleted", [4, 5])]
    altered = [dict(r) for r in rows]
    altered[1]["status"] = 404
    assert [(p.kind, p.position) for p in chain.verify_access_log(altered, head).problems] == [
        ("content_changed", 2)]
