"""Bounded load test on loopback: mixed reads and writes from 32 concurrent clients.

    make load                       # ~2 minutes, 32 clients
    LOAD_SECONDS=20 make load       # shorter

It starts its own API process (ML off, rate limits raised: bench/common.py) on
a fresh database of the server in ``MEDISYNC_DATABASE_URL`` (``make load``
starts one), signs up a few practices, then runs the clients until the time or the
request budget is spent. Rate limits are raised for the run: it measures the
API, not the limiter.

It fails (exit 1) on any 5xx, or on any lost write: for patients and
appointments, the 2xx creates must equal the events in the store and the rows
in the read model. It prints p50/p99 latency per route and writes
``bench/results/load.json``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import statistics
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import requests

from bench.common import PASSWORD, drop_database, fresh_database, start_api, work_dir

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "load.json"
SECONDS = float(os.environ.get("LOAD_SECONDS", "120"))
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "32"))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "100000"))
PRACTICES = 4


# --- the clients --------------------------------------------------------------------------------
@dataclass
class Practice:
    admin_token: str
    doctor_id: str
    patients: list[str] = field(default_factory=list)
    appointments: list[str] = field(default_factory=list)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    created: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    requests: int = 0


def _signup(api: str, index: int) -> Practice:
    email = f"load-{index}-{uuid.uuid4().hex[:8]}@example.test"
    admin = requests.post(f"{api}/auth/register", timeout=60, json={
        "email": email, "password": PASSWORD, "full_name": f"Load Admin {index}",
        "practice_name": f"Load Practice {index}"}).json()["data"]
    headers = {"Authorization": f"Bearer {admin['access_token']}"}
    invite = requests.post(f"{api}/users/invitations", headers=headers, timeout=60, json={
        "email": f"doc-{email}", "role": "doctor"}).json()["data"]
    doctor = requests.post(f"{api}/auth/register", timeout=60, json={
        "email": f"doc-{email}", "password": PASSWORD, "full_name": f"Load Doctor {index}",
        "invitation_token": invite["invitation_token"]}).json()["data"]
    return Practice(admin["access_token"], doctor["user"]["id"])


class Client:
    def __init__(self, number: int, api: str, practice: Practice, tally: Tally, deadline: float) -> None:
        self.number = number
        self.api = api
        self.practice = practice
        self.tally = tally
        self.deadline = deadline
        self.random = random.Random(number)
        self.slot = 0
        self.headers = {"Authorization": f"Bearer {practice.admin_token}"}

    async def run(self, session: aiohttp.ClientSession) -> None:
        operations = [(self.create_patient, 15), (self.get_patient, 25), (self.search, 12), (self.patch, 8),
                      (self.add_history, 5), (self.schedule, 10), (self.get_appointment, 15), (self.me, 10)]
        actions, weights = zip(*operations)
        while time.monotonic() < self.deadline and self.tally.requests < MAX_REQUESTS:
            await self.random.choices(actions, weights)[0](session)

    async def call(self, session: aiohttp.ClientSession, route: str, method: str, path: str,
                   **kwargs: Any) -> tuple[int, Any]:
        self.tally.requests += 1
        started = time.perf_counter()
        async with session.request(method, self.api + path, headers=self.headers, **kwargs) as response:
            body = await response.json(content_type=None) if response.status != 204 else None
        self.tally.latencies[route].append((time.perf_counter() - started) * 1000)
        self.tally.statuses[route][response.status] += 1
        return response.status, body

    async def create_patient(self, session: aiohttp.ClientSession) -> None:
        status, body = await self.call(session, "POST /patients", "POST", "/patients", json={
            "mrn": f"L-{uuid.uuid4().hex[:12]}", "first_name": "Load", "last_name": f"Tester{self.number}",
            "date_of_birth": "1980-02-03", "sex": self.random.choice(["female", "male"])})
        if 200 <= status < 300:
            self.tally.created["patients"].add(body["data"]["id"])
            self.practice.patients.append(body["data"]["id"])

    async def get_patient(self, session: aiohttp.ClientSession) -> None:
        if self.practice.patients:
            patient = self.random.choice(self.practice.patients)
            await self.call(session, "GET /patients/{id}", "GET", f"/patients/{patient}")
        else:
            await self.create_patient(session)

    async def search(self, session: aiohttp.ClientSession) -> None:
        await self.call(session, "GET /patients?search", "GET", "/patients",
                        params={"search": f"Tester{self.random.randrange(CLIENTS)}", "per_page": "20"})

    async def patch(self, session: aiohttp.ClientSession) -> None:
        if self.practice.patients:
            patient = self.random.choice(self.practice.patients)
            await self.call(session, "PATCH /patients/{id}", "PATCH", f"/patients/{patient}",
                            json={"phone": f"+1-555-{self.random.randrange(10000):04d}"})

    async def add_history(self, session: aiohttp.ClientSession) -> None:
        if self.practice.patients:
            patient = self.random.choice(self.practice.patients)
            await self.call(session, "POST /patients/{id}/history", "POST", f"/patients/{patient}/history",
                            json={"kind": "condition", "description": "Hypertension"})

    async def schedule(self, session: aiohttp.ClientSession) -> None:
        if not self.practice.patients:
            return
        self.slot += 1  # each client books its own hours: no overlaps, no 409s
        start = time.gmtime(2_000_000_000 + (self.number * 100_000 + self.slot) * 3600)
        status, body = await self.call(session, "POST /appointments/add", "POST", "/appointments/add", json={
            "patient_id": self.random.choice(self.practice.patients), "doctor_id": self.practice.doctor_id,
            "start": time.strftime("%Y-%m-%dT%H:00:00+00:00", start), "duration_minutes": 30,
            "type": "follow_up"})
        if 200 <= status < 300:
            self.tally.created["appointments"].add(body["data"]["id"])
            self.practice.appointments.append(body["data"]["id"])

    async def get_appointment(self, session: aiohttp.ClientSession) -> None:
        if self.practice.appointments:
            appointment = self.random.choice(self.practice.appointments)
            await self.call(session, "GET /appointments/get/{id}", "GET", f"/appointments/get/{appointment}")
        else:
            await self.schedule(session)

    async def me(self, session: aiohttp.ClientSession) -> None:
        await self.call(session, "GET /auth/me", "GET", "/auth/me")


async def _drive(api: str, practices: list[Practice], tally: Tally) -> float:
    deadline = time.monotonic() + SECONDS
    connector = aiohttp.TCPConnector(limit=CLIENTS)
    timeout = aiohttp.ClientTimeout(total=120)
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        clients = [Client(n, api, practices[n % len(practices)], tally, deadline) for n in range(CLIENTS)]
        await asyncio.gather(*(client.run(session) for client in clients))
    return time.monotonic() - started


# --- the verdict --------------------------------------------------------------------------------
def _lost_writes(url: str, tally: Tally) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    with psycopg.connect(url) as conn:
        for kind, table, topic in (("patients", "read.patients", "%Patient.Registered"),
                                   ("appointments", "read.appointments", "%Appointment.Scheduled")):
            events = conn.execute("SELECT count(*) FROM medisync_events WHERE topic LIKE %s", (topic,)).fetchone()
            rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts[kind] = {"acknowledged": len(tally.created[kind]), "events": events[0] if events else -1,
                            "rows": rows[0] if rows else -1}
    return counts


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def main() -> int:
    work, url = work_dir("load"), fresh_database("load")
    server, base = start_api(url, work, extra={
        "MEDISYNC_LOG_LEVEL": "WARNING", "MEDISYNC_MASTER_KEY_FILE": str(work / "master.key")})
    api = f"{base}/api/v1"
    try:
        practices = [_signup(api, i) for i in range(PRACTICES)]
        tally = Tally()
        elapsed = asyncio.run(_drive(api, practices, tally))
        deadline = time.monotonic() + 60  # let the projections finish (bounded)
        while time.monotonic() < deadline:
            counts = _lost_writes(url, tally)
            if all(c["acknowledged"] == c["events"] == c["rows"] for c in counts.values()):
                break
            time.sleep(0.5)
    finally:
        server.stop()
        drop_database(url)
        shutil.rmtree(work, ignore_errors=True)
    routes = {route: {"requests": len(values), "p50_ms": _percentile(values, 0.50),
                      "p99_ms": _percentile(values, 0.99), "mean_ms": round(statistics.fmean(values), 1),
                      "statuses": dict(sorted(tally.statuses[route].items()))}
              for route, values in sorted(tally.latencies.items())}
    server_errors = sum(n for route in tally.statuses.values() for code, n in route.items() if code >= 500)
    lost = {kind: c for kind, c in counts.items() if not c["acknowledged"] == c["events"] == c["rows"]}
    result = {"clients": CLIENTS, "seconds": round(elapsed, 1), "requests": tally.requests,
              "throughput_rps": round(tally.requests / elapsed, 1), "server_errors": server_errors,
              "writes": counts, "lost_writes": lost, "routes": routes,
              "machine": f"{os.cpu_count()} CPUs, loopback", "measured_at": time.strftime("%Y-%m-%d %H:%M UTC",
                                                                                          time.gmtime())}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{tally.requests} requests in {elapsed:.0f} s from {CLIENTS} clients "
          f"({result['throughput_rps']} req/s); 5xx: {server_errors}")
    print(f"{'route':34} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for route, row in routes.items():
        print(f"{route:34} {row['requests']:>8} {row['p50_ms']:>8} {row['p99_ms']:>8}  {row['statuses']}")
    for kind, c in counts.items():
        print(f"{kind}: {c['acknowledged']} acknowledged creates, {c['events']} events, {c['rows']} read-model rows")
    if server_errors or lost:
        print(f"FAILED: {server_errors} server errors; lost writes: {lost}")
        return 1
    print(f"OK: zero 5xx, zero lost writes; results in {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
