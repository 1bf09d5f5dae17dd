"""GET /metrics scraped from real server processes: every family of the
observability issue is there, in valid Prometheus text format, outside the
API's auth; it can be switched off or put behind a token."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Iterator

import uuid
from urllib.parse import urlparse

import psycopg
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from medisync.projections import ALL_PROJECTIONS
from tests.support.api import create_patient, invite, register_practice, schedule
from tests.support.kafka import bootstrap
from tests.support.processes import CliProcess
from tests.support.audio import short_clip
from tests.support.server import ServerProcess

PROJECTIONS = {projection.name for projection in ALL_PROJECTIONS}


def own_database(url: str) -> str:
    """A new, empty database on the same server as ``url`` (so this module owns its event log)."""
    parsed = urlparse(url)
    name = f"medisync_metrics_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()


def scrape(server: ServerProcess, **kwargs: Any) -> dict[str, Any]:
    response = requests.get(f"{server.base}/metrics", timeout=30, **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain")
    return {family.name: family for family in text_string_to_metric_families(response.text)}


def samples(families: dict[str, Any], family: str, sample: str | None = None) -> list[Any]:
    assert family in families, f"missing family {family}"
    return [s for s in families[family].samples if sample is None or s.name == sample]


def scrape_until(server: ServerProcess, ready: Callable[[dict[str, Any]], bool],
                 timeout: float = 180.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        families = scrape(server)
        if ready(families) or time.monotonic() > deadline:
            return families
        time.sleep(0.5)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[ServerProcess]:
    """The embedded default (projections and the ML worker in-process), its own database."""
    server = ServerProcess(tmp_path_factory.mktemp("metrics"), own_database(database_url),
                           {"MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_ML_MAX_ATTEMPTS": "1"}).start()
    yield server
    server.stop()


def test_every_family_is_scraped_without_the_api_token(embedded: ServerProcess, tmp_path: Path) -> None:
    admin = register_practice(embedded.api)
    doctor = invite(admin, "doctor")
    patient = create_patient(admin)
    assert admin.patch(f"/patients/{patient['id']}", json={"phone": "+1-555-0111"}).status_code == 200
    appointment = schedule(admin, patient["id"], doctor.id)
    assert admin.get(f"/appointments/get/{appointment['id']}").status_code == 200
    assert requests.get(f"{embedded.api}/no-such-route", timeout=10).status_code == 404
    with open(short_clip(tmp_path / "clip.wav"), "rb") as audio:
        uploaded = doctor.post(f"/recordings/{appointment['id']}", files={"file": ("clip.wav", audio)})
    assert uploaded.status_code == 201, uploaded.text

    families = scrape_until(embedded, lambda f: bool(samples(f, "medisync_ml_jobs", "medisync_ml_jobs_total")))

    # Requests by route template (never the raw path), method and status, with latency.
    requests_total = samples(families, "medisync_http_requests", "medisync_http_requests_total")
    routes = {(s.labels["route"], s.labels["method"], s.labels["status"]) for s in requests_total}
    assert ("/api/v1/patients/{patient_id}", "PATCH", "200") in routes
    assert ("/api/v1/appointments/add", "POST", "201") in routes
    assert ("/api/v1/appointments/get/{appointment_id}", "GET", "200") in routes
    assert ("<unmatched>", "GET", "404") in routes
    assert not any(patient["id"] in s.labels["route"] for s in requests_total)
    buckets = samples(families, "medisync_http_request_duration_seconds",
                      "medisync_http_request_duration_seconds_bucket")
    assert any(s.labels["route"] == "/api/v1/appointments/add" and s.labels["le"] == "+Inf" and s.value >= 1
               for s in buckets)

    # Events appended, by type.
    appended = {s.labels["type"]: s.value for s in
                samples(families, "medisync_events_appended", "medisync_events_appended_total")}
    assert appended["Patient.Registered"] >= 1 and appended["Patient.DemographicsUpdated"] >= 1
    assert appended["Appointment.Scheduled"] >= 1 and appended["Recording.Uploaded"] >= 1

    # Projection lag per projection, in events and seconds.
    for family in ("medisync_projection_lag_events", "medisync_projection_lag_seconds"):
        found = {s.labels["projection"]: s.value for s in samples(families, family)}
        assert set(found) == PROJECTIONS
        assert all(value >= 0 for value in found.values())

    # ML jobs by outcome, with durations.
    jobs = samples(families, "medisync_ml_jobs", "medisync_ml_jobs_total")
    assert sum(s.value for s in jobs) >= 1
    assert {s.labels["outcome"] for s in jobs} <= {"completed", "failed", "dead_lettered", "processing",
                                                    "pending", "skipped", "deleted", "error"}
    assert samples(families, "medisync_ml_job_duration_seconds", "medisync_ml_job_duration_seconds_count")
    statuses = samples(families, "medisync_recordings_by_transcription_status")
    assert sum(s.value for s in statuses) >= 1

    # The worker's queue depth: pending recordings in the embedded default.
    depth = samples(families, "medisync_worker_queue_depth")
    assert [s.labels["source"] for s in depth] == ["pending_recordings"] and depth[0].value >= 0

    # The database pools.
    pools = {(s.labels["pool"], s.labels["state"]): s.value for s in samples(families, "medisync_db_pool_connections")}
    assert {"eventstore", "views"} <= {pool for pool, _state in pools}
    assert pools[("eventstore", "max")] >= pools[("eventstore", "in_use")] >= 0

    # No relay on this database yet: the family is described, without a value.
    assert samples(families, "medisync_relay_lag_events") == []
    assert samples(families, "medisync_event_log_head")[0].value >= 10


def test_metrics_are_outside_the_api_and_its_envelope(embedded: ServerProcess) -> None:
    response = requests.get(f"{embedded.base}/metrics", headers={"X-Request-ID": "scrape-00000001"}, timeout=10)
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "scrape-00000001"
    assert requests.get(f"{embedded.api}/metrics", timeout=10).status_code == 404


@pytest.mark.kafka
def test_relay_lag_and_consumer_group_lag_with_kafka(tmp_path_factory: pytest.TempPathFactory,
                                                     database_url: str) -> None:
    servers = bootstrap()
    data_dir = tmp_path_factory.mktemp("metrics-kafka")
    url = own_database(database_url)
    env = {"MEDISYNC_DATA_DIR": str(data_dir), "MEDISYNC_DATABASE_URL": url, "MEDISYNC_KAFKA_BOOTSTRAP": servers}
    server = ServerProcess(data_dir, url, {"MEDISYNC_KAFKA_BOOTSTRAP": servers, "MEDISYNC_ML_ENABLED": "false"})
    relay = CliProcess(["relay"], env, data_dir)
    server.start()
    try:
        relay.start()
        admin = register_practice(server.api)
        create_patient(admin)

        def relay_caught_up(families: dict[str, Any]) -> bool:
            lag = samples(families, "medisync_relay_lag_events")
            return bool(lag) and lag[0].value == 0

        families = scrape_until(server, relay_caught_up, timeout=90)
        assert samples(families, "medisync_relay_lag_events")[0].value == 0
        assert samples(families, "medisync_relay_lag_seconds")[0].value == 0
        depth = samples(families, "medisync_worker_queue_depth")
        assert [s.labels["source"] for s in depth] == ["kafka_consumer_group_lag"] and depth[0].value >= 0
    finally:
        relay.stop()
        server.stop()


def test_metrics_switched_off_or_behind_a_token(tmp_path_factory: pytest.TempPathFactory,
                                                database_url: str) -> None:
    url = own_database(database_url)
    off = ServerProcess(tmp_path_factory.mktemp("metrics-off"), url,
                        {"MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_ML_ENABLED": "false",
                         "MEDISYNC_METRICS_ENABLED": "false"}).start()
    try:
        assert requests.get(f"{off.base}/metrics", timeout=10).status_code == 404
    finally:
        off.stop()
    guarded = ServerProcess(tmp_path_factory.mktemp("metrics-token"), url,
                            {"MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_ML_ENABLED": "false",
                             "MEDISYNC_METRICS_TOKEN": "scrape-secret-123"}).start()
    try:
        assert requests.get(f"{guarded.base}/metrics", timeout=10).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert requests.get(f"{guarded.base}/metrics", headers=wrong, timeout=10).status_code == 401
        assert scrape(guarded, headers={"Authorization": "Bearer scrape-secret-123"})
    finally:
        guarded.stop()
