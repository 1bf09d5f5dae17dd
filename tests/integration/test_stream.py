"""The stream, against the real broker and Postgres: the outbox relay,
at-least-once delivery across broker outages and relay crashes, per-aggregate
order, PHI minimization and the analytics consumer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.support.api import Caller, create_patient, invite, register_practice, schedule
from tests.support.kafka import (ALL_TOPICS, bootstrap, for_practice, kafka_script, read_until,
                                 wait_caught_up)
from tests.support.processes import CliProcess, fresh_database
from tests.support.server import ServerProcess

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[dict[str, Any]]:
    """A server (embedded mode, own database) plus a relay process."""
    servers = bootstrap()
    data_dir = tmp_path_factory.mktemp("stream")
    url = fresh_database(database_url)
    server = ServerProcess(data_dir, url, {"MEDISYNC_KAFKA_BOOTSTRAP": ""}).start()
    env = {"MEDISYNC_DATA_DIR": str(data_dir), "MEDISYNC_DATABASE_URL": url,
           "MEDISYNC_KAFKA_BOOTSTRAP": servers}
    stack = {"server": server, "relay": CliProcess(["relay"], env, data_dir).start(), "env": env,
             "bootstrap": servers, "dir": data_dir}
    yield stack
    stack["relay"].stop()  # the one running now: a test may have replaced it
    server.stop()


def _practice_with_doctor(api: str) -> tuple[Caller, Caller]:
    admin = register_practice(api)
    return admin, invite(admin, "doctor")


def test_events_reach_their_topic_in_per_aggregate_order(stack: dict[str, Any]) -> None:
    admin, doctor = _practice_with_doctor(stack["server"].api)
    patient = create_patient(admin)
    appointment = schedule(admin, patient["id"], doctor.id)
    for action in ("check-in", "start", "complete"):
        assert admin.post(f"/appointments/{appointment['id']}/{action}").status_code == 200

    def complete(seen: list[dict[str, Any]]) -> bool:
        return sum(e["aggregate_id"] == appointment["id"] for e in seen) >= 4

    raw = read_until(stack["bootstrap"], ("medisync.appointment.v1",), complete, raw=True)
    mine = [r for r in raw if r.key == appointment["id"].encode()]
    envelopes = [__import__("json").loads(r.value) for r in mine]
    assert [e["type"] for e in envelopes] == ["appointment.scheduled", "appointment.checked_in",
                                              "appointment.started", "appointment.completed"]
    assert [e["aggregate_version"] for e in envelopes] == [1, 2, 3, 4]
    assert len({r.partition for r in mine}) == 1
    first = envelopes[0]
    assert first["schema_version"] == 1 and first["practice_id"] == admin.user["practice_id"]
    assert first["actor_id"] == admin.id and first["data"]["doctor_id"] == doctor.id
    assert set(first) == {"event_id", "type", "schema_version", "aggregate_type", "aggregate_id",
                          "aggregate_version", "practice_id", "occurred_at", "actor_id", "data"}


def test_broker_outage_loses_nothing(stack: dict[str, Any]) -> None:
    admin = register_practice(stack["server"].api)
    kafka_script("stop")
    try:
        for index in range(200):
            create_patient(admin, last_name=f"Outage{index}")
    finally:
        kafka_script("start")
    practice = admin.user["practice_id"]

    def all_arrived(seen: list[dict[str, Any]]) -> bool:
        return len({e["event_id"] for e in for_practice(seen, practice)
                    if e["type"] == "patient.registered"}) >= 200

    seen = read_until(stack["bootstrap"], ("medisync.patient.v1",), all_arrived, timeout=120)
    registered = {e["event_id"] for e in for_practice(seen, practice) if e["type"] == "patient.registered"}
    assert len(registered) == 200


def test_relay_killed_mid_stream_resumes_without_loss(stack: dict[str, Any]) -> None:
    admin = register_practice(stack["server"].api)
    for index in range(60):
        create_patient(admin, last_name=f"Crash{index}")
        if index == 20:
            stack["relay"].kill9()
    stack["relay"] = CliProcess(["relay"], stack["env"], stack["dir"]).start()
    practice = admin.user["practice_id"]

    def all_arrived(seen: list[dict[str, Any]]) -> bool:
        return len({e["event_id"] for e in for_practice(seen, practice)
                    if e["type"] == "patient.registered"}) >= 60

    seen = read_until(stack["bootstrap"], ("medisync.patient.v1",), all_arrived, timeout=120)
    assert len({e["event_id"] for e in for_practice(seen, practice) if e["type"] == "patient.registered"}) == 60


def test_no_phi_on_any_topic(stack: dict[str, Any], dialogue_wav: Path) -> None:
    admin, doctor = _practice_with_doctor(stack["server"].api)
    marks = {"first_name": "Quixotella", "last_name": "Zyxwvuts", "mrn": "MRN-PHI-777431",
             "phone": "+1-555-0199-4242", "email": "quixotella.zyx@example.test",
             "date_of_birth": "1931-07-19"}
    patient = create_patient(admin, **marks)
    appointment = schedule(admin, patient["id"], doctor.id)
    with open(dialogue_wav, "rb") as audio:
        assert doctor.post(f"/recordings/{appointment['id']}", files={"file": ("v.wav", audio)}).status_code == 201
    phrase = "Flibbertigibbet neuropathy phrase 5531"
    assert doctor.post(f"/notes/add/{appointment['id']}", json={"subjective": phrase}).status_code == 201
    # Issue 17: a patient summary, a letter and a practice template (their text, recipient and
    # name stay in; D46, D48).
    recipient, template_name = "Dr Wobbleworth Quaxley", "Quaxley clinic template 8812"
    assert doctor.post(f"/notes/{appointment['id']}/patient-summary").status_code == 201
    letter = doctor.post(f"/notes/{appointment['id']}/letters", json={"kind": "referral", "recipient": recipient})
    assert letter.status_code == 201, letter.text
    assert admin.post("/notes/templates", json={"name": template_name, "sections": [
        {"title": "Plan", "guidance": phrase}]}).status_code == 201
    assert admin.post(f"/appointments/{appointment['id']}/cancel", json={"reason": phrase}).status_code in (200, 409)
    assert admin.patch(f"/patients/{patient['id']}", json={"last_name": "Zyxwvutsrevised"}).status_code == 200
    practice = admin.user["practice_id"]

    def note_arrived(seen: list[dict[str, Any]]) -> bool:
        types = {e["type"] for e in for_practice(seen, practice)}
        return {"patient.demographics_updated", "note_document.generated", "note_template.defined"} <= types

    raw = read_until(stack["bootstrap"], ALL_TOPICS, note_arrived, timeout=60, raw=True)
    assert note_arrived([json.loads(r.value) for r in raw])
    assert any(r.value and practice.encode() in r.value for r in raw)
    forbidden = [*marks.values(), "Zyxwvutsrevised", phrase, recipient, template_name]
    leaks = [(r.topic, s) for r in raw for s in forbidden if s.encode() in r.value]
    assert leaks == []


def test_stream_is_readable_by_the_analytics_consumer(stack: dict[str, Any]) -> None:
    from medisync.adapters.kafka.analytics import AnalyticsStore
    from medisync.adapters.postgres.connection import datastore

    store = AnalyticsStore(datastore(stack["env"]["MEDISYNC_DATABASE_URL"], pool_size=1))
    analytics = CliProcess(["analytics"], stack["env"], stack["dir"]).start()
    topics = ("medisync.appointment.v1", "medisync.recording.v1")
    try:
        wait_caught_up(stack["bootstrap"], "medisync-analytics", topics)
        before = _totals(store)
        admin, doctor = _practice_with_doctor(stack["server"].api)
        patient = create_patient(admin)
        booked = [schedule(admin, patient["id"], doctor.id, start=f"2027-02-0{d}T10:00:00+00:00")
                  for d in range(1, 4)]
        assert admin.post(f"/appointments/{booked[0]['id']}/cancel", json={"reason": "x"}).status_code == 200
        assert admin.post(f"/appointments/{booked[1]['id']}/no-show").status_code == 200
        _wait_published(stack["bootstrap"], admin.user["practice_id"], count=5)
        wait_caught_up(stack["bootstrap"], "medisync-analytics", topics)
        after = _totals(store)
    finally:
        analytics.stop()
        store.datastore.close()
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before)}
    assert {k: v for k, v in delta.items() if v} == {("appointments", "scheduled"): 3,
                                                     ("appointments", "cancelled"): 1,
                                                     ("appointments", "no_show"): 1}


def _totals(store: Any) -> dict[tuple[str, str], int]:
    """Counts summed over days."""
    store.create_tables()
    totals: dict[tuple[str, str], int] = {}
    for row in store.counts():
        key = (row["metric"], row["outcome"])
        totals[key] = totals.get(key, 0) + row["count"]
    return totals


def _wait_published(servers: str, practice_id: str, count: int) -> None:
    """The relay has put the practice's appointment events on the topic."""
    def arrived(seen: list[dict[str, Any]]) -> bool:
        return len(for_practice(seen, practice_id)) >= count

    read_until(servers, ("medisync.appointment.v1",), arrived, timeout=60)
