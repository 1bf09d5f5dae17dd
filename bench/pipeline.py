"""Stream (relay throughput, commit→consumer lag), rebuild, and scale-out."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import requests

from bench.common import (BUDGET, SERVER_ENV, Clinic, Process, Row, closed_loop, drop_database,
                          fresh_database, free_port,
                          get_request, listeners, log, percentile, setup_clinic, start_api, wait_http)
from bench.http_paths import Slots, appointment_request
from bench.inprocess import admin_principal, container_for, generate_patient_history

PREFIX = "bench."
LAG_RATE = 50.0  # events/s for the commit→consumer lag runs


# --- stream -----------------------------------------------------------------------------------

def _relay_position(url: str) -> int:
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute("SELECT max(notification_id) FROM relay_tracking").fetchone()
            return int(row[0] or 0) if row else 0
    except psycopg.errors.UndefinedTable:
        return 0


def _relay_process(url: str, data_dir: Path, bootstrap: str) -> Process:
    env = {**SERVER_ENV, "MEDISYNC_DATABASE_URL": url, "MEDISYNC_DATA_DIR": str(data_dir),
           "MEDISYNC_KAFKA_BOOTSTRAP": bootstrap}
    return Process(["-m", "bench.relay_proc", PREFIX], env, data_dir / f"relay-{uuid.uuid4().hex[:4]}.log").start()


def _relay_run(url: str, data_dir: Path, bootstrap: str, head: int) -> float:
    """Events/s from the relay's first acknowledged batch until it has published the head."""
    with psycopg.connect(url, autocommit=True) as conn:
        # Publish the whole log again: drop the relay's tracking (and eventsourcing's migration copies).
        for (table,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                     "AND tablename LIKE '%relay_tracking'").fetchall():
            conn.execute(f'DROP TABLE "{table}"')
    relay = _relay_process(url, data_dir, bootstrap)
    try:
        first: tuple[float, int] | None = None
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            position = _relay_position(url)
            now = time.perf_counter()
            if position and first is None:
                first = (now, position)
            if position >= head:
                assert first is not None
                if position == first[1]:
                    raise RuntimeError("the relay published everything in one batch; use more events")
                return (head - first[1]) / (now - first[0])
            if not relay.alive():
                raise RuntimeError(f"relay exited: {relay.tail()}")
            time.sleep(0.01)
        raise RuntimeError(f"relay did not catch up: {relay.tail()}")
    finally:
        relay.stop()


def _envelopes(container: Any) -> list[tuple[str, dict[str, Any]]]:
    from medisync.application.integration_events import to_messages

    app = container.app
    messages, start = [], 1
    while notifications := app.recorder.select_notifications(start, 1000):
        for notification in notifications:
            messages.extend((PREFIX + topic, envelope)
                            for topic, envelope in to_messages(app.mapper.to_domain_event(notification)))
        start = notifications[-1].id + 1
    return messages


def _producer_run(bootstrap: str, messages: list[tuple[str, dict[str, Any]]]) -> float:
    """A bare kafka-python producer: same settings, same envelopes, all acknowledged."""
    from medisync.adapters.kafka.client import producer

    kafka = producer(bootstrap)
    try:
        kafka.send(messages[0][0], key=messages[0][1]["aggregate_id"], value=messages[0][1]).get(timeout=15)
        began = time.perf_counter()
        futures = [kafka.send(topic, key=envelope["aggregate_id"], value=envelope) for topic, envelope in messages]
        kafka.flush(timeout=60)
        for future in futures:
            future.get(timeout=15)
        return len(messages) / (time.perf_counter() - began)
    finally:
        kafka.close(timeout=5)


class Receiver:
    """Consumes a topic from its end and notes when each (aggregate id, version) arrived."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        from kafka import KafkaConsumer, TopicPartition

        from medisync.adapters.kafka.client import decode

        self.arrived: dict[tuple[str, int], float] = {}
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                      value_deserializer=decode, bootstrap_timeout_ms=10000, fetch_max_wait_ms=10)
        deadline = time.monotonic() + 30
        while not (partitions := self.consumer.partitions_for_topic(topic)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assigned = [TopicPartition(topic, p) for p in partitions or ()]
        self.consumer.assign(assigned)
        self.consumer.seek_to_end(*assigned)
        for partition in assigned:
            self.consumer.position(partition)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            for records in self.consumer.poll(timeout_ms=50).values():
                now = time.perf_counter()
                for record in records:
                    value = record.value
                    self.arrived[(value["aggregate_id"], int(value["aggregate_version"]))] = now

    def wait_for(self, keys: list[tuple[str, int]], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not all(k in self.arrived for k in keys):
            time.sleep(0.05)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(5)
        self.consumer.close()


def stream(bootstrap: str, data_dir: Path) -> list[Row]:
    from medisync.adapters.kafka.client import ensure_topics
    from medisync.application.integration_events import TOPICS

    url = fresh_database("stream")
    container = container_for(url, data_dir)
    try:
        principal = admin_principal(container)
        began = time.perf_counter()
        generate_patient_history(container, principal, BUDGET.stream_events)
        head = container.app.recorder.max_notification_id() or 0
        log(f"stream: {head} events generated in {time.perf_counter() - began:.1f}s")
        ensure_topics(bootstrap, {PREFIX + name: count for name, count in TOPICS.items()})
        messages = _envelopes(container)
        relay_runs, producer_runs = [], []
        for run in range(BUDGET.runs):
            relay_runs.append(_relay_run(url, data_dir, bootstrap, head))
            producer_runs.append(_producer_run(bootstrap, messages))
            log(f"stream run {run + 1}: relay {relay_runs[-1]:.0f} events/s, bare producer "
                f"{producer_runs[-1]:.0f} msgs/s")
        lag_rows = _commit_to_consumer(container, principal, url, data_dir, bootstrap)
    finally:
        container.close()
        drop_database(url)
    per_event = len(messages) / max(head, 1)
    return [Row("stream", f"relay throughput ({head} events)", "events/s", relay_runs,
                "bare kafka-python producer (same envelopes, acks=all, idempotent)", producer_runs,
                note=f"{len(messages)} messages ({per_event:.2f} per event); the relay reads, decodes and "
                     "maps the log and flushes per batch of ≤500; the bare producer flushes once"),
            *lag_rows]


def _commit_to_consumer(container: Any, principal: Any, url: str, data_dir: Path, bootstrap: str) -> list[Row]:
    from medisync.adapters.kafka.client import producer

    topic = PREFIX + "medisync.patient.v1"
    patients = [container.patients.register(principal, {
        "mrn": f"S-{i}-{uuid.uuid4().hex[:6]}", "first_name": "Stream", "last_name": f"P{i}",
        "date_of_birth": "1970-01-01", "sex": "male"}).id for i in range(10)]
    head = container.app.recorder.max_notification_id() or 0
    relay = _relay_process(url, data_dir, bootstrap)
    receiver = Receiver(bootstrap, topic)
    p50, p99, floor50, floor99 = [], [], [], []
    try:
        deadline = time.monotonic() + 120
        while _relay_position(url) < head and time.monotonic() < deadline:
            time.sleep(0.05)
        kafka = producer(bootstrap)
        for run in range(BUDGET.runs):
            committed: dict[tuple[str, int], float] = {}
            began = time.perf_counter()
            for index in range(int(LAG_RATE * BUDGET.lag_seconds)):
                delay = began + index / LAG_RATE - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                patient = container.app.repository.get(uuid.UUID(patients[index % len(patients)]))
                patient.update_demographics(phi={"phone": f"+1-555-{index:07d}"}, actor=principal.actor())
                container.app.save(patient)
                committed[(str(patient.id), patient.version)] = time.perf_counter()
            receiver.wait_for(list(committed), 30)
            lags = [(receiver.arrived[k] - t) * 1000 for k, t in committed.items() if k in receiver.arrived]
            p50.append(percentile(lags, 50))
            p99.append(percentile(lags, 99))
            # The floor: the same producer settings, send → the same consumer, at the same rate.
            sent: dict[tuple[str, int], float] = {}
            began = time.perf_counter()
            fake = str(uuid.uuid4())
            for index in range(int(LAG_RATE * BUDGET.lag_seconds / 2)):
                delay = began + index / LAG_RATE - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                sent[(fake, index)] = time.perf_counter()
                kafka.send(topic, key=fake, value={"aggregate_id": fake, "aggregate_version": index})
                kafka.flush(timeout=15)
            receiver.wait_for(list(sent), 30)
            floor = [(receiver.arrived[k] - t) * 1000 for k, t in sent.items() if k in receiver.arrived]
            floor50.append(percentile(floor, 50))
            floor99.append(percentile(floor, 99))
            log(f"commit→consumer run {run + 1}: p50 {p50[-1]:.1f} p99 {p99[-1]:.1f} ms "
                f"({len(lags)}/{len(committed)}); producer→consumer p50 {floor50[-1]:.1f} p99 {floor99[-1]:.1f} ms")
        kafka.close(timeout=5)
    finally:
        receiver.close()
        relay.stop()
    note = f"{LAG_RATE:.0f} events/s; commit = save() returned in this process; receive = a consumer here polled it"
    return [Row("stream", "commit → consumer p50", "ms", p50, "bare producer → consumer p50", floor50,
                higher_is_better=False, note=note),
            Row("stream", "commit → consumer p99", "ms", p99, "bare producer → consumer p99", floor99,
                higher_is_better=False)]


# --- rebuild ----------------------------------------------------------------------------------

def rebuild(data_dir: Path) -> list[Row]:
    from medisync.adapters.postgres.rebuild import rebuild as run_rebuild
    from medisync.projections import ALL_PROJECTIONS

    projection = next(p for p in ALL_PROJECTIONS if p.name == "patients")
    url = fresh_database("rebuild")
    container = container_for(url, data_dir)
    try:
        principal = admin_principal(container)
        began = time.perf_counter()
        generate_patient_history(container, principal, BUDGET.rebuild_events)
        head = container.app.recorder.max_notification_id() or 0
        log(f"rebuild: {head} events generated in {time.perf_counter() - began:.1f}s")
        rebuild_runs, read_runs = [], []
        for run in range(BUDGET.runs):
            read_runs.append(_read_and_decode(container))
            began = time.perf_counter()
            count = run_rebuild(container.app, container.views["patients"].datastore, projection)
            rebuild_runs.append(count / (time.perf_counter() - began))
            log(f"rebuild run {run + 1}: {rebuild_runs[-1]:.0f} events/s; read+decode alone {read_runs[-1]:.0f}/s")
    finally:
        container.close()
        drop_database(url)
    return [Row("rebuild", f"rebuild patients ({head} events)", "events/s", rebuild_runs,
                "read + decode the log alone", read_runs, "≥ 20,000 events/s", target_min=20000.0,
                note="history: patients registered, demographics updated, history entries added "
                     "(every event handled by the projection: the worst case)")]


def _read_and_decode(container: Any) -> float:
    app = container.app
    began, total, start = time.perf_counter(), 0, 1
    while notifications := app.recorder.select_notifications(start, 2000):
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        total += len(notifications)
        start = notifications[-1].id + 1
    return total / (time.perf_counter() - began)


# --- scale-out --------------------------------------------------------------------------------

SCALE = (1, 2, 4)
SCALE_CONCURRENCY = 32


def scale_out(data_dir: Path) -> tuple[list[Row], dict[str, Any]]:
    """N `medisync serve` on one port (MEDISYNC_REUSE_PORT) + one `medisync project`."""
    url = fresh_database("scale")
    # Set up the clinic with an embedded server on the same database and data dir (fast
    # read-your-writes), then hand the database to the scaled-out topology.
    embedded, base = start_api(url, data_dir)
    try:
        clinic = setup_clinic(base, doctors=32, patients=32)
        appointment_ids = [requests.post(f"{clinic.api}/appointments/add", headers=clinic.auth(clinic.admin_token),
                                         timeout=30, json={
                                             "patient_id": clinic.patients[i], "doctor_id": clinic.doctors[i]["id"],
                                             "start": "2029-12-01T08:00:00+00:00", "duration_minutes": 30,
                                             "type": "follow_up", "reason": "bench"}).json()["data"]["id"]
                           for i in range(32)]
    finally:
        embedded.stop()
    projector_env = {**SERVER_ENV, "MEDISYNC_DATA_DIR": str(data_dir), "MEDISYNC_DATABASE_URL": url}
    projector = Process(["-m", "medisync.interface.cli", "project"], projector_env, data_dir / "projector.log").start()
    slots = Slots()
    writes: dict[int, list[float]] = {}
    reads: dict[int, list[float]] = {}
    try:
        for n in SCALE:
            port = free_port()
            processes = []
            try:
                for k in range(n):
                    process, _ = start_api(url, data_dir, port, wait=False, extra={
                        "MEDISYNC_REUSE_PORT": "true", "MEDISYNC_RUN_PROJECTIONS": "false",
                        "MEDISYNC_RUN_WORKER": "false", "MEDISYNC_DB_POOL_SIZE": "2"})
                    processes.append(process)
                    deadline = time.monotonic() + 90
                    while listeners(port) < k + 1:
                        if not process.alive() or time.monotonic() > deadline:
                            raise RuntimeError(f"API process {k} did not listen: {process.tail()}")
                        time.sleep(0.2)
                wait_http(processes[0], f"http://127.0.0.1:{port}/api/v1/health")
                api = Clinic(f"http://127.0.0.1:{port}/api/v1", clinic.admin_token, clinic.admin_id,
                             clinic.doctors, clinic.patients)
                headers = api.auth(clinic.admin_token)
                writes[n], reads[n] = [], []
                for _run in range(BUDGET.runs):
                    # Out-of-process read-your-writes answers in 0.5-3 s (see docs/performance.md):
                    # a window shorter than that would count nothing.
                    writes[n].append(closed_loop(appointment_request(api, slots, SCALE_CONCURRENCY),
                                                 SCALE_CONCURRENCY, max(BUDGET.seconds, 6.0), 3.0).rate)
                    reads[n].append(closed_loop(get_request(
                        lambda w, s: f"{api.api}/appointments/get/{appointment_ids[(w + s) % 32]}", headers),
                        SCALE_CONCURRENCY).rate)
                log(f"scale-out n={n}: writes {writes[n]}, reads {reads[n]}")
            finally:
                for process in processes:
                    process.stop()
    finally:
        projector.stop()
        drop_database(url)
    rows = []
    for n in SCALE:
        rows.append(Row("scale-out", f"{n} API process(es): POST /appointments/add c=32", "req/s", writes[n],
                        "1 API process", writes[1]))
        rows.append(Row("scale-out", f"{n} API process(es): GET /appointments/get/{{id}} c=32", "req/s", reads[n],
                        "1 API process", reads[1]))
    return rows, {"processes": list(SCALE), "writes": writes, "reads": reads}
