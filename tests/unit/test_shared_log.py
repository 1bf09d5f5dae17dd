"""The process's one subscription to the log, shared by its followers (D67).

Against eventsourcing's in-memory recorder (the same ``subscribe`` /
``select_notifications`` contract as Postgres's). A tap must yield exactly the
notifications after its start with its topics, in log order, whether it reads
them from the store (it started behind, or fell too far behind) or is handed
them by the shared subscription; a failure of the shared subscription fails
every tap, and the log serves new taps again afterwards.
"""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.popo import POPOApplicationRecorder

from medisync.adapters import shared_log
from medisync.adapters.shared_log import SharedLog, Tap
from tests.support.memory_log import MemoryRecorder

_versions = itertools.count(1)


def record(recorder: POPOApplicationRecorder, *topics: str) -> list[int]:
    events = [StoredEvent(originator_id=uuid.uuid4(), originator_version=next(_versions), topic=topic,
                          state=b"{}") for topic in topics]
    return list(recorder.insert_events(events) or [])


def take(tap: Tap, count: int) -> list[tuple[int, str]]:
    return [(n.id, n.topic) for n in itertools.islice(tap, count)]


@pytest.fixture
def recorder() -> POPOApplicationRecorder:
    return MemoryRecorder()  # its subscription misses no write made while it starts


@pytest.fixture
def log(recorder: POPOApplicationRecorder) -> Any:
    shared = SharedLog(recorder)
    yield shared
    shared.close()


def test_a_tap_reads_what_came_before_then_takes_what_the_log_hands_over(recorder: Any, log: SharedLog) -> None:
    before = record(recorder, "a", "b", "a")
    with log.subscribe(None, ("a",)) as tap:
        after = record(recorder, "b", "a", "a")
        assert take(tap, 4) == [(before[0], "a"), (before[2], "a"), (after[1], "a"), (after[2], "a")]


def test_taps_start_where_their_followers_stood(recorder: Any, log: SharedLog) -> None:
    ids = record(recorder, "a", "a", "a")
    with log.subscribe(ids[1], ()) as late, log.subscribe(None, ()) as early:
        more = record(recorder, "b")
        assert take(late, 2) == [(ids[2], "a"), (more[0], "b")]
        assert take(early, 4) == [(i, "a") for i in ids] + [(more[0], "b")]


def test_a_tap_that_falls_too_far_behind_reads_the_stretch_from_the_store(
        recorder: Any, log: SharedLog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared_log, "MAX_HANDED", 3)
    with log.subscribe(None, ()) as slow, log.subscribe(None, ()) as marker:
        ids = record(recorder, *["x"] * 10)
        assert take(marker, 10) == [(i, "x") for i in ids]  # every one handed over by now
        assert take(slow, 10) == [(i, "x") for i in ids]


def test_a_stopped_tap_ends_and_is_handed_nothing_more(recorder: Any, log: SharedLog) -> None:
    tap = log.subscribe(None, ())
    tap.stop()
    record(recorder, "a")
    assert list(tap) == []


class Broken(Exception):
    pass


class FailingOnce(MemoryRecorder):
    """Its first subscription fails on the notification whose topic is ``boom``."""

    failed = False

    def subscribe(self, gt: int | None = None, topics: Any = ()) -> Any:
        inner = super().subscribe(gt=gt, topics=topics)
        if self.failed:
            return inner
        outer = self

        class Failing:
            def __enter__(self) -> Any:
                inner.__enter__()
                return self

            def __exit__(self, *args: Any) -> None:
                inner.__exit__(*args)

            def stop(self) -> None:
                inner.stop()

            def __iter__(self) -> Any:
                for notification in inner:
                    if notification.topic == "boom":
                        outer.failed = True
                        raise Broken()
                    yield notification
        return Failing()


def test_a_failure_of_the_shared_subscription_fails_every_tap_and_the_log_recovers() -> None:
    recorder = FailingOnce()
    log = SharedLog(recorder)
    try:
        first, second = log.subscribe(None, ()), log.subscribe(None, ("a",))
        ids = record(recorder, "a", "boom", "a")
        for tap in (first, second):
            with pytest.raises(Broken):
                take(tap, 3)
        again = log.subscribe(ids[0], ())  # a follower resubscribing from its tracked position
        later = record(recorder, "a")
        assert take(again, 3) == [(ids[1], "boom"), (ids[2], "a"), (later[0], "a")]
    finally:
        log.close()


def test_ready_gives_what_the_tap_has_now_in_order_without_waiting(recorder: Any, log: SharedLog) -> None:
    before = record(recorder, "a", "b", "a")
    with log.subscribe(None, ()) as tap:
        assert tap.ready(10) == []  # the stretch before the log's head is still to read: not read here
        first = next(tap)  # reads that stretch from the store
        assert [first.id, *(n.id for n in tap.ready(10))] == before
        after = record(recorder, "a", "b", "b", "a")
        seen: list[int] = []
        while len(seen) < len(after):  # what was handed so far, in order, then wait for the next
            seen += [n.id for n in tap.ready(2)] or [next(tap).id]
        assert seen == after
        assert tap.ready(10) == []
