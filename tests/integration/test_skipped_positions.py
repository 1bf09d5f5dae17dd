"""A view's position passes the events it skips without a record each, and a restart resumes (D85).

Real Postgres, the real container and projections. The users view handles no ``Patient`` event: the
shared log notes its position past them while it waits, and its tracking table is written at most
every ``TRACK_IGNORED_EVERY_S``, so the table may lag what the view passed in memory. A restarted
process resumes each view from its table, skips that stretch again, and applies what comes after it.
The test sets that interval to an hour, so the lag does not depend on how fast this machine writes:
the users view's table must hold none of the writes it passed.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from medisync.interface import bootstrap as bootstrap_module
from medisync.interface.bootstrap import bootstrap
from medisync.interface.settings import Settings
from tests.support.container import env_for, populate, projected
from tests.support.processes import fresh_database

WRITES = 20
NEVER_DUE_S = 3600.0  # no skipped position falls due for its tracking table within the test


def test_views_pass_what_they_skip_and_resume_from_their_tables_after_a_restart(
        database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bootstrap_module, "TRACK_IGNORED_EVERY_S", NEVER_DUE_S)
    env = {**env_for(fresh_database(database_url), tmp_path), "MEDISYNC_DB_POOL_SIZE": "4"}
    first = bootstrap(Settings.from_env(env))
    try:
        principal, patient = populate(first)
        first.start_projections()
        written = [first.patients.update_demographics(principal, patient, {"phone": f"+1-555-{i:04d}"})
                   .notification_id for i in range(WRITES)]
        ids = [n for n in written if n is not None]
        assert len(ids) == WRITES
        last = ids[-1]
        assert projected(first, last)  # every view passed them, the users view without applying one
        assert first.progress.passed(("users",), last)  # in memory: what read-your-writes waits on
        tracked = first.views["users"].max_tracking_id(first.app.name) or 0
        assert tracked < ids[0]  # its table: no record of any of them
    finally:
        first.close()
    second = bootstrap(Settings.from_env(env))
    try:
        second.identity.register_practice("after-restart@example.test", "correct-horse-9", "After Restart",
                                          "Restart Clinic", "req-restart-0001")
        head = second.app.recorder.max_notification_id() or 0
        second.start_projections()
        assert projected(second, head)
        assert (second.views["users"].max_tracking_id(second.app.name) or 0) > last  # resumed, applied
        with psycopg.connect(second.database_url) as conn:
            row = conn.execute("SELECT count(*) FROM read.users WHERE email = %s",
                               ("after-restart@example.test",)).fetchone()
        assert row is not None and row[0] == 1
        with psycopg.connect(second.database_url) as conn:
            phone = conn.execute("SELECT phone FROM read.patients WHERE id = %s", (patient,)).fetchone()
        assert phone is not None and phone[0] == f"+1-555-{WRITES - 1:04d}"
    finally:
        second.close()
