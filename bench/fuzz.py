"""`make fuzz`: schemathesis's own CLI, every check, against a live server (D61).

    python -m bench.fuzz [--examples N] [--phases examples,coverage,fuzzing,stateful] [--seed N]

Starts ``medisync serve`` on a fresh database (generous rate limits, no ML, no Kafka), seeds a
practice (an admin, two doctors, two patients, an appointment), and runs ``schemathesis run`` on
the served document with every check and the examples, coverage, fuzzing and stateful phases, as
the admin (``-H Authorization: Bearer ...``). The checks are enabled in ``bench/schemathesis.toml``,
with the reason wherever one cannot hold for an operation (schemathesis's per-operation
settings), not in this script. Exits with schemathesis's status (non-zero on any failure), or 1
when the server logged an error of its own (an unhandled one, or a view failing on an event).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import requests

from bench.common import (PASSWORD, ROOT, Clinic, drop_database, fresh_database, log, setup_clinic, start_api,
                          work_dir)

CONFIG = ROOT / "bench" / "schemathesis.toml"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
GENEROUS = "1000000000/hour"
SERVER = {"MEDISYNC_UPLOAD_LIMIT_STANDARD": GENEROUS, "MEDISYNC_UPLOAD_LIMIT_PREMIUM": GENEROUS,
          "MEDISYNC_LOGIN_MAX_FAILURES": "1000000", "MEDISYNC_DB_POOL_SIZE": "4"}


def seed(base: str) -> Clinic:
    """A practice with two doctors, two patients and an appointment."""
    clinic = setup_clinic(base, doctors=2, patients=2)
    answer = requests.post(f"{clinic.api}/appointments/add", headers=clinic.auth(clinic.admin_token), json={
        "patient_id": clinic.patients[0], "doctor_id": clinic.doctors[0]["id"],
        "start": "2027-01-04T09:00:00Z", "duration_minutes": 30, "type": "follow_up",
        "reason": "seeded for fuzzing"}, timeout=30)
    if answer.status_code != 201:
        raise RuntimeError(f"seeding an appointment: {answer.status_code} {answer.text[:300]}")
    return clinic


def second_session(clinic: Clinic) -> str:
    """Another access token of the seeded admin, for POST /auth/logout to revoke."""
    me = requests.get(f"{clinic.api}/auth/me", headers=clinic.auth(clinic.admin_token), timeout=30).json()["data"]
    answer = requests.post(f"{clinic.api}/auth/login", timeout=30,
                           json={"email": me["email"], "password": PASSWORD})
    if answer.status_code != 200:
        raise RuntimeError(f"logging in again: {answer.status_code} {answer.text[:300]}")
    return answer.json()["data"]["access_token"]


def command(base: str, token: str, args: argparse.Namespace) -> list[str]:
    return [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{base}/api/v1/openapi.json",
            "--phases", args.phases,
            "-H", f"Authorization: Bearer {token}", "--generation-with-security-parameters", "false",
            "--max-examples", str(args.examples), "--seed", str(args.seed), "--workers", "1",
            "--request-timeout", "60", "--report", args.report, "--report-dir", str(args.report_dir),
            "--no-color"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("MEDISYNC_FUZZ_EXAMPLES", "100")))
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("MEDISYNC_FUZZ_SEED", "18")))
    parser.add_argument("--report", default="json", help="schemathesis report formats (json, har, ndjson...)")
    parser.add_argument("--report-dir", type=Path,
                        default=Path(os.environ.get("TMPDIR", "/tmp")) / "medisync-schemathesis")
    args = parser.parse_args()
    url, data_dir = fresh_database("fuzz"), work_dir("fuzz")
    server, base = start_api(url, data_dir, extra=SERVER)
    try:
        clinic = seed(base)
        env = {**os.environ, "MEDISYNC_FUZZ_LOGOUT_TOKEN": second_session(clinic),
               "MEDISYNC_FUZZ_DOCTOR_ID": clinic.doctors[0]["id"],
               "MEDISYNC_FUZZ_SPARE_DOCTOR_ID": clinic.doctors[1]["id"]}
        log(f"schemathesis {args.examples} examples per operation, seed {args.seed}")
        status = subprocess.run(command(base, clinic.admin_token, args), cwd=ROOT, env=env, check=False).returncode
    finally:
        server.stop()
        drop_database(url)
    errors = server_errors(server.log_path)
    if errors:
        log(f"the server logged {len(errors)} errors, e.g. {errors[0][:300]}")
        return 1
    return status


def server_errors(log_path: Path) -> list[str]:
    """Our own ERROR lines: an unhandled error, or a view that failed on an event it was given
    (a stalled view shows the fuzzer only 202s, which the document allows)."""
    found = []
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("level") in ("ERROR", "CRITICAL") and str(record.get("logger", "")).startswith("medisync"):
            found.append(f"{record['logger']}: {record.get('msg', '')}")
    return found


if __name__ == "__main__":
    sys.exit(main())
