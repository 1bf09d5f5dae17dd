"""Only the read rows of ``make bench`` (``http_paths.read_path``), without the write rows.

    python -m bench.read_rows [label]      # needs MEDISYNC_DATABASE_URL; about 2-3 minutes

``BENCH_ONLY=read`` also runs every write row first, because the read rows list the appointments
those made. Here the same server and clinic (32 doctors, ``PATIENTS`` patients) get 60 bookings for
the first doctor instead, then the same read rows run against the same bare aiohttp baseline, run
by run, and the medians and same-run ratios are printed (and written to
``bench/results/read-rows[-label].json``). For before/after comparisons of the read path: run it on
each tree, alternately, with the same settings.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from datetime import datetime, timedelta

import requests

from bench.common import (ROOT, Clinic, drop_database, fresh_database, log, setup_clinic, start_api,
                          work_dir)
from bench.http_paths import BASE_START, read_path
from bench.run_all import PATIENTS

BOOKINGS = 60


def book(clinic: Clinic) -> None:
    headers = clinic.auth(clinic.admin_token)
    doctor = clinic.doctors[0]["id"]
    with requests.Session() as http:
        for index in range(BOOKINGS):
            start: datetime = BASE_START + timedelta(minutes=30 * index)
            body = {"patient_id": clinic.patients[index % len(clinic.patients)], "doctor_id": doctor,
                    "start": start.isoformat(), "duration_minutes": 30, "type": "follow_up", "reason": "bench"}
            answer = http.post(f"{clinic.api}/appointments/add", json=body, headers=headers, timeout=30)
            if answer.status_code not in (201, 202):
                raise RuntimeError(f"booking {index}: {answer.status_code} {answer.text[:200]}")


def main() -> None:
    label = sys.argv[1] if len(sys.argv) > 1 else ""
    data_dir, url = work_dir("reads"), fresh_database("reads")
    server, base = start_api(url, data_dir)
    began = time.strftime("%Y-%m-%dT%H:%M:%S")
    try:
        clinic = setup_clinic(base, doctors=32, patients=PATIENTS)
        book(clinic)
        rows, client = read_path(clinic, data_dir)
    finally:
        server.stop()
        drop_database(url)
        shutil.rmtree(data_dir, ignore_errors=True)
    result = {"label": label, "started": began, "client_check": client, "rows": [
        {"name": r.name, "api": r.runs, "bare": r.baseline_runs, "api_median": statistics.median(r.runs),
         "bare_median": statistics.median(r.baseline_runs),
         "ratio": statistics.median(r.runs) / statistics.median(r.baseline_runs)} for r in rows]}
    out = ROOT / "bench" / "results" / f"read-rows{'-' + label if label else ''}.json"
    out.write_text(json.dumps(result, indent=1))
    for row in result["rows"]:
        log(f"{label} {row['name']}: {row['api_median']:.0f} req/s, bare {row['bare_median']:.0f}, "
            f"{row['ratio']:.1%}")


if __name__ == "__main__":
    main()
