"""Soak test: the load test's 32 mixed clients for 10 minutes with the ML worker on.

    make soak                          # 600 s, 32 clients, a dev visit uploaded every 45 s
    SOAK_SECONDS=120 make soak         # shorter

Not part of `make test`. It samples the API process (RSS, open file descriptors,
threads) and the database (connections) every 10 s and compares the start of the
run (after a warm-up quarter) with its end: growth means a leak. It fails (exit 1)
on any 5xx, any lost write (as `make load` counts them), any upload whose
transcription did not complete, or growth beyond the noise bounds below.
Results: ``bench/results/soak.json``; figures in docs/security.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("LOAD_SECONDS", os.environ.get("SOAK_SECONDS", "600"))

import psycopg  # noqa: E402
import requests  # noqa: E402

from bench import load  # noqa: E402
from bench.common import drop_database, fresh_database, start_api, work_dir  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "soak.json"
VISIT = ROOT / "tests" / "fixtures" / "dev-01-diabetes.wav"
UPLOAD_EVERY_S = float(os.environ.get("SOAK_UPLOAD_EVERY_S", "45"))
#: growth allowed between the second quarter and the last quarter of the run (noise, caches)
BOUNDS = {"rss_mb": 64.0, "fds": 8, "pg_connections": 2, "threads": 4}


def sample(pid: int, url: str) -> dict[str, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    with psycopg.connect(url) as conn:
        connections = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                   ).fetchone()[0]
    return {"t": time.monotonic(), "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
            "threads": int(fields["Threads"]), "fds": len(os.listdir(f"/proc/{pid}/fd")),
            "pg_connections": int(connections) - 1}


async def sampler(pid: int, url: str, samples: list[dict[str, float]], deadline: float) -> None:
    while time.monotonic() < deadline:
        samples.append(await asyncio.to_thread(sample, pid, url))
        await asyncio.sleep(10)


def warm_up(api: str, practice: load.Practice) -> list[str]:
    """One patient and one transcribed visit before the clock starts: the speech models are loaded
    once per process, and that first load is not growth."""
    created = requests.post(f"{api}/patients", headers={"Authorization": f"Bearer {practice.admin_token}"},
                            timeout=60, json={"mrn": "SOAK-0", "first_name": "Soak", "last_name": "Warmup",
                                              "date_of_birth": "1970-01-01", "sex": "female"})
    practice.patients.append(created.json()["data"]["id"])
    first = upload_visit(api, practice, 0)
    if first is None or transcribed(api, practice.admin_token, [first]) != 1:
        raise RuntimeError("warm-up visit was not transcribed")
    return [first]


def upload_visit(api: str, practice: load.Practice, slot: int) -> str | None:
    headers = {"Authorization": f"Bearer {practice.admin_token}"}
    if not practice.patients:
        return None
    booked = requests.post(f"{api}/appointments/add", headers=headers, timeout=60, json={
        "patient_id": practice.patients[0], "doctor_id": practice.doctor_id, "duration_minutes": 30,
        "start": time.strftime("%Y-%m-%dT%H:00:00+00:00", time.gmtime(1_900_000_000 + slot * 3600)),
        "type": "follow_up"})
    if booked.status_code != 201:
        return None
    appointment_id = booked.json()["data"]["id"]
    with open(VISIT, "rb") as audio:
        uploaded = requests.post(f"{api}/recordings/{appointment_id}", headers=headers, timeout=120,
                                 files={"file": ("visit.wav", audio)})
    return appointment_id if uploaded.status_code == 201 else None


async def uploader(api: str, practice: load.Practice, uploads: list[str], deadline: float) -> None:
    slot = 0
    while time.monotonic() < deadline - UPLOAD_EVERY_S:
        slot += 1
        appointment_id = await asyncio.to_thread(upload_visit, api, practice, slot)
        if appointment_id:
            uploads.append(appointment_id)
        await asyncio.sleep(UPLOAD_EVERY_S)


def growth(samples: list[dict[str, float]]) -> dict[str, float]:
    quarter = max(1, len(samples) // 4)
    early, late = samples[quarter:2 * quarter], samples[-quarter:]
    return {key: round(statistics.median(s[key] for s in late) - statistics.median(s[key] for s in early), 1)
            for key in BOUNDS}


def transcribed(api: str, token: str, appointment_ids: list[str], wait_s: float = 300) -> int:
    deadline, done = time.monotonic() + wait_s, set()
    while time.monotonic() < deadline and len(done) < len(appointment_ids):
        for appointment_id in set(appointment_ids) - done:
            got = requests.get(f"{api}/transcriptions/{appointment_id}", timeout=30,
                               headers={"Authorization": f"Bearer {token}"})
            if got.status_code == 200 and got.json()["data"].get("status") == "completed":
                done.add(appointment_id)
        time.sleep(2)
    return len(done)


async def run(api: str, url: str, pid: int, practices: list[load.Practice]) -> dict[str, Any]:
    tally, samples, uploads = load.Tally(), [], []
    deadline = time.monotonic() + load.SECONDS
    driven = asyncio.create_task(load._drive(api, practices, tally))
    await asyncio.gather(sampler(pid, url, samples, deadline), uploader(api, practices[0], uploads, deadline))
    elapsed = await driven
    return {"tally": tally, "samples": samples, "uploads": uploads, "elapsed": elapsed}


def settled_counts(url: str, tally: load.Tally, wait_s: float = 60) -> dict[str, Any]:
    """The write counts once the projections have caught up (bounded), as `make load` reads them."""
    deadline = time.monotonic() + wait_s
    counts = load._lost_writes(url, tally)
    while time.monotonic() < deadline and not all(c["acknowledged"] == c["events"] == c["rows"]
                                                  for c in counts.values()):
        time.sleep(0.5)
        counts = load._lost_writes(url, tally)
    return counts


def verdict(out: dict[str, Any], counts: dict[str, Any], done: int) -> dict[str, Any]:
    tally = out["tally"]
    grown = growth(out["samples"])
    leaks = {key: value for key, value in grown.items() if value > BOUNDS[key]}
    errors = sum(n for route in tally.statuses.values() for code, n in route.items() if code >= 500)
    lost = {kind: c for kind, c in counts.items() if not c["acknowledged"] == c["events"] == c["rows"]}
    first, last = out["samples"][0], out["samples"][-1]
    return {"seconds": round(out["elapsed"], 1), "clients": load.CLIENTS, "requests": tally.requests,
            "server_errors": errors, "lost_writes": lost, "writes": counts,
            "uploads": len(out["uploads"]), "transcribed": done, "start": first, "end": last,
            "growth_second_to_last_quarter": grown, "bounds": BOUNDS, "leaks": leaks,
            "ok": not errors and not lost and not leaks and done == len(out["uploads"]),
            "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def main() -> int:
    work, url = work_dir("soak"), fresh_database("soak")
    server, base = start_api(url, work, extra={
        "MEDISYNC_LOG_LEVEL": "WARNING", "MEDISYNC_MASTER_KEY_FILE": str(work / "master.key"),
        "MEDISYNC_ML_ENABLED": "true"})
    api = f"{base}/api/v1"
    try:
        practices = [load._signup(api, i) for i in range(load.PRACTICES)]
        warm = warm_up(api, practices[0])
        out = asyncio.run(run(api, url, server.popen.pid, practices))
        # the soak's own writes count as acknowledged creates too
        out["tally"].created["patients"].add(practices[0].patients[0])
        out["tally"].created["appointments"].update(warm + out["uploads"])
        done = transcribed(api, practices[0].admin_token, out["uploads"])
        out["samples"].append(sample(server.popen.pid, url))
        counts = settled_counts(url, out["tally"])
    finally:
        server.stop()
        drop_database(url)
        shutil.rmtree(work, ignore_errors=True)
    result = verdict(out, counts, done)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("seconds", "requests", "server_errors", "uploads", "transcribed",
                                             "start", "end", "growth_second_to_last_quarter", "leaks", "ok")},
                     indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
