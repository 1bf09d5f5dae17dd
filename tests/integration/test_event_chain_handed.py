"""The event hash chain is extended from what the shared log hands over (D82).

Real Postgres, the real container and audit store. While eight threads write,
the audit chain follower chains every event without reading the head or the
events back from the store (one compare-and-swap statement per batch), and the
chain stays complete and verifiable; two chainers (as two processes would),
handed the same notifications in a forced order, keep one unbroken chain: the
one whose swap finds the head moved writes nothing and catches up from the store.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest

from medisync.adapters.postgres.audit_follower import EventChainer
from medisync.interface.bootstrap import Container
from tests.support.container import populate
from tests.support.polling import wait_until

WRITERS = 8
EACH = 5


@pytest.fixture
def pool_size() -> int:
    """The ``container`` fixture's pool (tests/integration/conftest.py): 4 connections, as test_shared_log's."""
    return 4


def _write(container: Container, principal: Any) -> None:
    def writer(index: int) -> None:
        for i in range(EACH):
            patient = container.patients.register(principal, {
                "mrn": f"MRN-{uuid.uuid4().hex[:8]}", "first_name": "Cal", "last_name": f"Chain{index}x{i}",
                "date_of_birth": "1970-03-04", "sex": "female"})
            container.patients.update_demographics(principal, patient.id, {"phone": f"+1-555-{index}{i:03d}"})

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(writer, range(WRITERS)))


def _chained_everything(container: Container) -> None:
    audit = container.audit
    assert audit is not None
    head = container.app.recorder.max_notification_id()
    wait_until(lambda: int(audit.store.head("events")["position"]) >= head)
    with psycopg.connect(container.database_url) as conn:
        counts = conn.execute("SELECT (SELECT count(*) FROM audit.event_chain), "
                              "(SELECT count(*) FROM medisync_events)").fetchone()
    assert counts is not None and counts[0] == counts[1]
    assert audit.verify(catch_up=False)["ok"] is True


def _count_store_reads(container: Container, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads that read the head or the events from the store, one entry per read."""
    audit = container.audit
    assert audit is not None
    readers: list[str] = []
    for owner, method in ((container.app.recorder, "select_notifications"), (audit.store, "head")):
        original = getattr(owner, method)

        def counted(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            readers.append(threading.current_thread().name)
            return _original(*args, **kwargs)
        monkeypatch.setattr(owner, method, counted)
    return readers


def test_handed_events_are_chained_without_reading_them_back(container: Container,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    audit = container.audit
    assert audit is not None
    principal, _ = populate(container)  # chained by the follower's first catch-up
    container.add_follower(audit.follower(container.progress.advance, container.log_subscription()))  # type: ignore[arg-type]
    _chained_everything(container)
    readers = _count_store_reads(container, monkeypatch)
    _write(container, principal)
    _chained_everything(container)
    # Before D82 the follower read the head and the events back from the store for each commit.
    assert [name for name in readers if name == "follow-audit-chain"] == []


def test_two_chainers_keep_one_chain_the_second_swap_finding_the_head_moved(container: Container) -> None:
    """Two chainers (two processes) handed the same notifications: the first swap moves the head, the
    second finds it moved, writes nothing and catches up from the store; the order is forced, not raced."""
    audit = container.audit
    assert audit is not None
    principal, _ = populate(container)
    first, second = EventChainer(container.app, audit.store), EventChainer(container.app, audit.store)
    start = first.catch_up()
    assert second.catch_up() == start  # both know the head at ``start``
    catch_ups: list[int] = []
    caught_up = second.catch_up
    second.catch_up = lambda *a, **k: catch_ups.append(1) or caught_up(*a, **k)  # type: ignore[method-assign]
    _write(container, principal)
    handed = container.app.recorder.select_notifications(start=start, limit=1000, inclusive_of_start=False)
    end = handed[-1].id
    assert first.chain(handed, start) == end  # the swap matched: one statement
    assert second.chain(handed, start) == end and catch_ups == [1]  # the swap missed: caught up, no link twice
    _write(container, principal)
    more = container.app.recorder.select_notifications(start=end, limit=1000, inclusive_of_start=False)
    assert second.chain(more, end) == more[-1].id and catch_ups == [1]  # its head is known again: a swap
    _chained_everything(container)
