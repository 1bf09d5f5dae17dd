"""D70: the access log's one-round-trip writer keeps one unbroken hash chain, beside other
writers (another API process, the sync store), after a lost connection, and fails closed."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from medisync.adapters.postgres.access_log_writer import AsyncAccessLogWriter
from medisync.interface.bootstrap import Container
from tests.support.container import access_entries, populate


def _logged(url: str) -> list[tuple[int, str]]:
    with psycopg.connect(url) as conn:
        return [(seq, request_id) for seq, request_id in
                conn.execute("SELECT seq, request_id FROM audit.access_log ORDER BY seq")]


async def test_writers_in_turn_keep_one_chain(container: Container) -> None:
    audit = container.audit
    assert audit is not None
    principal, patient_id = populate(container)
    first, second = AsyncAccessLogWriter(container.database_url), AsyncAccessLogWriter(container.database_url)
    entries = access_entries(principal, patient_id, 12)
    try:
        assert await first.append_access(entries[0:3]) == 3  # head unknown: the locking way
        assert await first.append_access(entries[3:5]) == 5  # one statement
        assert await second.append_access(entries[5:6]) == 6  # another process moved the head
        assert await first.append_access(entries[6:8]) == 8  # first's head is stale: locked again
        audit.store.append_access(entries[8:10])  # the sync store, as `audit` tests use it
        assert await second.append_access(entries[10:12]) == 12
    finally:
        await first.close()
        await second.close()
    assert _logged(container.database_url) == [(i + 1, e["request_id"]) for i, e in enumerate(entries)]
    report = audit.verify()
    assert report["ok"] is True and report["access_log"]["checked"] == 12


async def test_a_lost_connection_fails_the_batch_and_the_next_one_is_written(container: Container) -> None:
    principal, patient_id = populate(container)
    writer = AsyncAccessLogWriter(container.database_url)
    entries = access_entries(principal, patient_id, 4)
    try:
        await writer.append_access(entries[:1])
        assert writer._conn is not None
        backend = writer._conn.info.backend_pid
        with psycopg.connect(container.database_url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", (backend,))
        with pytest.raises(psycopg.OperationalError):
            await writer.append_access(entries[1:2])  # not committed: the batcher keeps it and retries
        assert await writer.append_access(entries[1:4]) == 4
    finally:
        await writer.close()
    assert [r for _, r in _logged(container.database_url)] == [e["request_id"] for e in entries]


async def test_concurrent_batches_of_two_writers_all_land(container: Container) -> None:
    audit = container.audit
    assert audit is not None
    principal, patient_id = populate(container)
    writers = [AsyncAccessLogWriter(container.database_url) for _ in range(2)]
    entries = access_entries(principal, patient_id, 40)

    async def write(writer: AsyncAccessLogWriter, part: int) -> None:
        for start in range(part * 20, part * 20 + 20, 4):
            await writer.append_access(entries[start:start + 4])

    try:
        await asyncio.gather(*(write(w, i) for i, w in enumerate(writers)))
    finally:
        for writer in writers:
            await writer.close()
    logged = _logged(container.database_url)
    assert [seq for seq, _ in logged] == list(range(1, 41))
    assert sorted(r for _, r in logged) == sorted(e["request_id"] for e in entries)
    assert audit.verify()["ok"] is True
