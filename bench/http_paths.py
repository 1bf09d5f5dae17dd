"""Write path and read path over real HTTP, against their baselines.

Write: ``POST /appointments/add`` and ``PATCH /patients/{id}`` at concurrency
1, 8, 32 vs raw single-row ``INSERT`` + ``COMMIT`` transactions/s through
psycopg on the same Postgres (same server, same durability settings), with
the same number of connections.

Read: ``GET /appointments/doctors`` (a page of 20) and
``GET /appointments/get/{id}`` at concurrency 8, 32 vs a bare aiohttp
handler (``bench/bare_server.py``) returning the same bytes from memory.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from itertools import count
from typing import Any

import aiohttp
import psycopg
import requests

from bench.common import (BUDGET, Clinic, Process, Row, closed_loop, free_port, get_request, log,
                          percentile, threaded_get_rate, wait_http)

WRITE_CONCURRENCY = (1, 8, 32)
READ_CONCURRENCY = (8, 32)
DOCTORS = 32
BASE_START = datetime(2030, 1, 7, 8, 0, tzinfo=timezone.utc)


class Slots:
    """Non-overlapping appointment slots per doctor (no conflicts, no double-booking refusals)."""

    def __init__(self) -> None:
        self.next = [count() for _ in range(DOCTORS)]

    def take(self, doctor: int) -> str:
        return (BASE_START + timedelta(minutes=30 * next(self.next[doctor]))).isoformat()


def _mine(worker: int, sequence: int, concurrency: int, pool: int) -> int:
    """Worker w cycles over the items w, w+C, w+2C, ... so no two workers share one."""
    owned = max(pool // concurrency, 1)
    return (worker + concurrency * (sequence % owned)) % pool


def appointment_request(clinic: Clinic, slots: Slots, concurrency: int) -> Any:
    headers = clinic.auth(clinic.admin_token)

    async def make(session: aiohttp.ClientSession, worker: int, sequence: int) -> int:
        doctor = _mine(worker, sequence, concurrency, DOCTORS)
        body = {"patient_id": clinic.patients[doctor % len(clinic.patients)],
                "doctor_id": clinic.doctors[doctor]["id"], "start": slots.take(doctor),
                "duration_minutes": 30, "type": "follow_up", "reason": "bench"}
        async with session.post(f"{clinic.api}/appointments/add", json=body, headers=headers) as response:
            await response.read()
            return response.status
    return make


def patch_request(clinic: Clinic, concurrency: int) -> Any:
    headers = clinic.auth(clinic.admin_token)

    async def make(session: aiohttp.ClientSession, worker: int, sequence: int) -> int:
        patient = clinic.patients[_mine(worker, sequence, concurrency, len(clinic.patients))]
        body = {"phone": f"+1-555-{sequence % 10_000_000:07d}"}
        async with session.patch(f"{clinic.api}/patients/{patient}", json=body, headers=headers) as response:
            await response.read()
            return response.status
    return make


# --- raw baseline -----------------------------------------------------------------------------

def prepare_raw(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, "
                      "originator_id uuid NOT NULL, payload bytea NOT NULL)")


def raw_insert_rate(url: str, concurrency: int, seconds: float) -> float:
    """Single-row INSERT + COMMIT transactions/s with ``concurrency`` connections."""
    payload = b"x" * 400  # about one stored event's size
    stop = threading.Event()
    measuring = threading.Event()
    counts = [0] * concurrency
    connections = [psycopg.connect(url) for _ in range(concurrency)]

    def worker(index: int) -> None:
        conn = connections[index]
        while not stop.is_set():
            conn.execute("INSERT INTO bench_raw (originator_id, payload) VALUES (gen_random_uuid(), %s)",
                         (payload,), prepare=True)
            conn.commit()
            if measuring.is_set():
                counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(BUDGET.warmup)
        measuring.set()
        began = time.perf_counter()
        time.sleep(seconds)
        done = sum(counts)
        elapsed = time.perf_counter() - began
        stop.set()
        for thread in threads:
            thread.join(10)
    finally:
        for conn in connections:
            conn.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE bench_raw")
    return done / elapsed


def durability(url: str) -> dict[str, Any]:
    with psycopg.connect(url) as conn:
        settings: dict[str, Any] = {name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
                                    for name in ("server_version", "fsync", "synchronous_commit", "wal_level",
                                                 "max_connections")}
        busy = conn.execute("SELECT count(*) FROM pg_stat_activity").fetchone()[0]  # type: ignore[index]
    settings["connections_in_use_at_start"] = busy
    if int(settings["max_connections"]) - busy < 70:
        log(f"warning: {busy} of {settings['max_connections']} Postgres connections are in use by others; "
            "the bench needs about 60 (point MEDISYNC_DATABASE_URL at a quiet server)")
    return settings


# --- the benchmarks ----------------------------------------------------------------------------

def write_path(clinic: Clinic, url: str) -> list[Row]:
    prepare_raw(url)
    slots = Slots()
    rows = []
    for concurrency in WRITE_CONCURRENCY:
        appointment, patch, raw = [], [], []
        for run in range(BUDGET.runs):
            raw.append(raw_insert_rate(url, concurrency, BUDGET.seconds))
            load = closed_loop(appointment_request(clinic, slots, concurrency), concurrency)
            appointment.append(load.rate)
            _check(load, "POST /appointments/add")
            load = closed_loop(patch_request(clinic, concurrency), concurrency)
            patch.append(load.rate)
            _check(load, "PATCH /patients/{id}")
            log(f"write c={concurrency} run {run + 1}: raw {raw[-1]:.0f} tx/s, add {appointment[-1]:.0f}/s, "
                f"patch {patch[-1]:.0f}/s")
        for name, runs in (("POST /appointments/add", appointment), ("PATCH /patients/{id}", patch)):
            rows.append(Row("write", f"{name} c={concurrency}", "req/s", runs,
                            f"raw INSERT+COMMIT, {concurrency} conn", raw, "≥ 25% of raw", target_ratio=0.25))
    return rows


def _check(load: Any, what: str) -> None:
    if load.errors:
        log(f"warning: {what}: {load.errors} non-2xx answers during the measurement")


def read_path(clinic: Clinic, data_dir: Any) -> tuple[list[Row], dict[str, Any]]:
    doctor = clinic.doctors[0]
    headers = clinic.auth(doctor["token"])
    listed = requests.get(f"{clinic.api}/appointments/doctors", params={"per_page": 20}, headers=headers,
                          timeout=30)
    assert listed.status_code == 200, listed.text
    ids = [a["id"] for a in listed.json()["data"]]
    if len(ids) < 20:
        log(f"warning: the doctor has only {len(ids)} appointments; the page is short")
    one = requests.get(f"{clinic.api}/appointments/get/{ids[0]}", headers=headers, timeout=30)
    # The bare server answers the same paths with the same bytes.
    bodies = {"/api/v1/appointments/doctors": listed.text, **{
        f"/api/v1/appointments/get/{i}": requests.get(f"{clinic.api}/appointments/get/{i}", headers=headers,
                                                      timeout=30).text for i in ids}}
    bodies_file = data_dir / "bare-bodies.json"
    bodies_file.write_text(json.dumps(bodies))
    port = free_port()
    bare = Process(["-m", "bench.bare_server", str(port), str(bodies_file)], {}, data_dir / "bare.log").start()
    bare_base = f"http://127.0.0.1:{port}"
    try:
        wait_http(bare, f"{bare_base}/api/v1/appointments/doctors")
        client = compare_clients(f"{bare_base}/api/v1/appointments/get/{ids[0]}", headers)
        rows = []
        targets = {
            "GET /appointments/doctors (page of 20)": lambda base: (
                lambda w, s: f"{base}/api/v1/appointments/doctors?per_page=20"),
            "GET /appointments/get/{id}": lambda base: (
                lambda w, s: f"{base}/api/v1/appointments/get/{ids[(w + s) % len(ids)]}"),
        }
        for name, url_for in targets.items():
            for concurrency in READ_CONCURRENCY:
                api_runs, bare_runs = [], []
                for _run in range(BUDGET.runs):
                    bare_runs.append(closed_loop(get_request(url_for(bare_base), headers), concurrency).rate)
                    load = closed_loop(get_request(url_for(clinic.api.removesuffix("/api/v1")), headers), concurrency)
                    _check(load, name)
                    api_runs.append(load.rate)
                log(f"read {name} c={concurrency}: api {api_runs}, bare {bare_runs}")
                rows.append(Row("read", f"{name} c={concurrency}", "req/s", api_runs,
                                "bare aiohttp, same bytes", bare_runs, "≥ 50% of bare", target_ratio=0.5))
        client["response_bytes"] = {"page": len(listed.content), "one": len(one.content)}
        return rows, client
    finally:
        bare.stop()


def compare_clients(url: str, headers: dict[str, str]) -> dict[str, Any]:
    """Which load generator drives the bare server harder (so the client is not the limit)."""
    seconds = min(BUDGET.seconds, 2.0)
    result = {}
    for concurrency in (8, 32):
        aio = closed_loop(get_request(lambda w, s: url, headers), concurrency, seconds).rate
        threaded = threaded_get_rate(url, headers, concurrency, seconds)
        result[f"c={concurrency}"] = {"aiohttp_client": round(aio), "requests_threads": round(threaded)}
    log(f"client check against the bare server: {result}")
    return result


def http_write_latency(clinic: Clinic, rate: float, seconds: float) -> dict[str, float]:
    """PATCH latency (commit + read-your-writes wait + answer) at a fixed request rate."""
    import asyncio

    async def run() -> list[float]:
        latencies: list[float] = []
        headers = clinic.auth(clinic.admin_token)
        async with aiohttp.ClientSession() as session:
            async def one(index: int) -> None:
                patient = clinic.patients[index % len(clinic.patients)]
                start = time.perf_counter()
                async with session.patch(f"{clinic.api}/patients/{patient}", headers=headers,
                                         json={"phone": f"+1-555-{index:07d}"}) as response:
                    await response.read()
                    if response.status == 200:
                        latencies.append(time.perf_counter() - start)
            tasks = []
            began = time.perf_counter()
            for index in range(int(rate * seconds)):
                delay = began + index / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(index)))
            await asyncio.gather(*tasks)
            spans.append(time.perf_counter() - began)
        return latencies

    spans: list[float] = []
    latencies = asyncio.run(run())
    return {**{f"p{p}": percentile(latencies, p) * 1000 for p in (50, 95, 99)},
            "answered_per_s": len(latencies) / spans[0]}
