"""The README's first screen works as written (issue 18, "Done when"): its shell session, run
against a real server with the ML worker, takes a new practice from `create-admin` to a signed note
and a FHIR export. Only the address, the CLI's path and the e-mail addresses are substituted."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid

from tests.support.server import REPO, ServerProcess

START = "From `make run` to a signed note with a FHIR export"


def first_screen_script() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index(START):]
    return re.search(r"```bash\n(.*?)```", after, re.S).group(1)


def test_the_readme_session_ends_with_a_signed_note_in_fhir(server: ServerProcess) -> None:
    script = first_screen_script()
    assert "API=http://127.0.0.1:8080/api/v1" in script and ".venv/bin/medisync create-admin" in script
    tag = uuid.uuid4().hex[:8]
    script = (script.replace("API=http://127.0.0.1:8080/api/v1", f"API={server.api}")
              .replace(".venv/bin/medisync", f"{sys.executable} -m medisync.interface.cli")
              .replace("you@clinic.org", f"you-{tag}@clinic.test").replace("doc@clinic.org", f"doc-{tag}@clinic.test"))
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=REPO, env=server.env, text=True,
                          capture_output=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert any(re.match(r"\[00:0\d\] \S+ \(clinician\): ", line) for line in lines), done.stdout[:2000]
    bundle = json.loads(lines[-1])
    resources = [entry["resource"] for entry in bundle["entry"]]
    composition = next(r for r in resources if r["resourceType"] == "Composition")
    assert composition["status"] == "final" and composition["attester"]
    assert next(r for r in resources if r["resourceType"] == "Appointment")["status"] == "fulfilled"
