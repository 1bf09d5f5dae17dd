"""A view's position passes the events it skips without a record each, and a restart resumes (D85).

Real Postgres, the real container and projections. The users view handles no ``Patient`` event: the
shared log notes its position past them while it waits, and its tracking table is written at most
every ``TRACK_IGNORED_EVERY_S``, so the table may lag what the view passed in memory. A restarted
process resumes each view from its table, skips that stretch again, and applies what comes after it.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

from medisync.interface.bootstrap import bootstrap
from medisync.interface.settings import Settings
from tests.integration.test_audit_chain import _populate, env_for, fresh_db
from tests.support.container import projected

WRITES = 20


def test_views_pass_what_they_skip_and_resume_from_their_tables_after_a_restart(
        database_url: str, tmp_path: Path) -> None:
    env = {**env_for(fresh_db(database_url), tmp_path), "MEDISYNC_DB_POOL_SIZE": "4"}
    first = bootstrap(Settings.from_env(env))
    try:
        principal, patient = _populate(first)
        first.start_projections()
        last = 0
        for i in range(WRITES):
            last = first.patients.update_demographics(principal, patient, {"phone": f"+1-555-{i:04d}"}) \
                .notification_id or last
        assert projected(first, last)  # every view passed them, the users view without applying one
        assert (first.views["users"].max_tracking_id(first.app.name) or 0) <= last
    finally:
        first.close()
    second = bootstrap(Settings.from_env(env))
    try:
        second.identity.register_practice("after-restart@example.test", "correct-horse-9", "After Restart",
                                          "Restart Clinic", "req-restart-0001")
        head = second.app.recorder.max_notification_id() or 0
        second.start_projections()
        assert projected(second, head)
        with psycopg.connect(second.database_url) as conn:
            row = conn.execute("SELECT count(*) FROM read.users WHERE email = %s",
                               ("after-restart@example.test",)).fetchone()
        assert row is not None and row[0] == 1
        with psycopg.connect(second.database_url) as conn:
            phone = conn.execute("SELECT phone FROM read.patients WHERE id = %s", (patient,)).fetchone()
        assert phone is not None and phone[0] == f"+1-555-{WRITES - 1:04d}"
    finally:
        second.close()
