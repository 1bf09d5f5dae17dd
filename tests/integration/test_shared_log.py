"""Every follower of a process reads the log through one shared subscription (D67).

Real Postgres, the real container and projections: writes made before the
projections start (each view reads that stretch from the store itself) and
writes made by eight threads at once while they run (handed over by the one
subscription) all reach every view: no acknowledged write is lost, and the
process holds one ``LISTEN`` on the event channel, not one per follower.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest

from medisync.interface.bootstrap import Container
from tests.support.container import populate, projected

WRITERS = 8
EACH = 5


@pytest.fixture
def pool_size() -> int:
    """The ``container`` fixture's pool (tests/integration/conftest.py): 4 connections."""
    return 4


def _register(container: Container, principal: Any, label: str) -> tuple[str, int]:
    result = container.patients.register(principal, {
        "mrn": f"MRN-{uuid.uuid4().hex[:8]}", "first_name": "Sam", "last_name": label,
        "date_of_birth": "1980-05-06", "sex": "male"})
    changed = container.patients.update_demographics(principal, result.id, {"phone": f"+1-555-{label[-4:]}"})
    assert changed.notification_id is not None
    return result.id, changed.notification_id


def _writer(container: Container, principal: Any, writer: int) -> list[tuple[str, int]]:
    return [_register(container, principal, f"Writer{writer:02d}{i:04d}") for i in range(EACH)]


def _listeners(container: Container) -> int:
    channel = container.app.recorder.channel_name
    with psycopg.connect(container.database_url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND query ILIKE %s", (f"LISTEN%{channel}%",)).fetchone()
    return int(row[0]) if row else 0


def _phones(container: Container, ids: list[str]) -> dict[str, str]:
    with psycopg.connect(container.database_url) as conn:
        rows = conn.execute("SELECT id::text, phone FROM read.patients WHERE id = ANY(%s::uuid[])",
                            (ids,)).fetchall()
    return {row[0]: row[1] for row in rows}


def test_every_acknowledged_write_reaches_every_view_through_one_subscription(container: Container) -> None:
    principal, _ = populate(container)
    before = [_register(container, principal, f"Before{i:04d}") for i in range(3)]  # read from the store
    container.start_projections()
    with ThreadPoolExecutor(WRITERS) as pool:
        during = [w for ws in pool.map(lambda n: _writer(container, principal, n), range(WRITERS)) for w in ws]
    written = before + during
    assert projected(container, max(n for _, n in written)), "the views did not pass the last write"
    phones = _phones(container, [patient for patient, _ in written])
    assert len(phones) == len(written) == 3 + WRITERS * EACH
    assert all(phone and phone.startswith("+1-555-") for phone in phones.values())
    assert _listeners(container) == 1  # before D67: one per follower (eight views and the audit chain)
