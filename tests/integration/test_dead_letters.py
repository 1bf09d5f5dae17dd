"""A poison event is parked, every other event keeps flowing, and an operator
can inspect and resume it (issue 15, finding 6).

Real Postgres, the real PHI-encrypting mapper and the real command line: a
stored event whose PHI ciphertext no longer authenticates is the poison."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import psycopg

from medisync.adapters.metrics import REGISTRY
from medisync.interface.bootstrap import Container
from tests.support.server import REPO
from tests.support.container import env_for, populate, projected, register_patient


def _tamper(container: Container, notification_id: int) -> bytes:
    """Flip one bit of the event's PHI ciphertext; return the original state."""
    table = container.app.recorder.events_table_name
    with psycopg.connect(container.database_url) as conn:
        row = conn.execute(f"SELECT state FROM {table} WHERE notification_id = %s", (notification_id,)).fetchone()
        assert row is not None
        original = bytes(row[0])
        state = json.loads(original)
        sealed = next(v["__phi_aes_gcm__"] for v in _dicts(state) if "__phi_aes_gcm__" in v)
        ct = bytearray(base64.b64decode(sealed["ct"]))
        ct[0] ^= 1
        sealed["ct"] = base64.b64encode(bytes(ct)).decode()
        conn.execute(f"UPDATE {table} SET state = %s WHERE notification_id = %s",
                     (json.dumps(state).encode(), notification_id))
    return original


def _restore(container: Container, notification_id: int, original: bytes) -> None:
    table = container.app.recorder.events_table_name
    with psycopg.connect(container.database_url) as conn:
        conn.execute(f"UPDATE {table} SET state = %s WHERE notification_id = %s", (original, notification_id))


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _dicts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _dicts(inner)


def _cli(container: Container, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "medisync.interface.cli", "audit", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300,
                          env=env_for(container.database_url, Path(container.settings.data_dir)))


def test_a_poison_event_is_parked_and_can_be_resumed(container: Container) -> None:
    principal, _ = populate(container)
    poisoned_id, poisoned = register_patient(container, principal, "Poisonby")
    original = _tamper(container, poisoned)
    healthy_id, _ = register_patient(container, principal, "Flowwell")
    healthy = container.app.recorder.max_notification_id() or 0

    container.start_projections(names=list(container.views))  # the read models, not the audit chain
    assert projected(container, healthy)  # the event behind the poison got through
    assert container.reads.get_patient(healthy_id) is not None
    assert container.reads.get_patient(poisoned_id) is None
    parked = [r for r in container.dead_letters.listing() if r["notification_id"] == poisoned]
    assert "patients" in {r["follower"] for r in parked}
    assert all(r["error"].startswith("ValueError: PHI ciphertext failed authentication") for r in parked)
    assert (REGISTRY.get_sample_value("medisync_dead_letters_total", {"follower": "patients"}) or 0) >= 1

    listed = _cli(container, "dead-letters", "--json")
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert poisoned in {r["notification_id"] for r in json.loads(listed.stdout)}
    still = _cli(container, "resume", "patients", str(poisoned))  # not fixed yet: stays parked
    assert still.returncode == 1 and "still cannot be decoded" in still.stderr

    _restore(container, poisoned, original)  # the operator fixes the cause (a key, a restore)
    resumed = _cli(container, "resume", "patients", str(poisoned))
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert container.reads.get_patient(poisoned_id) is not None
    assert "patients" not in {r["follower"] for r in container.dead_letters.listing()
                              if r["notification_id"] == poisoned}
