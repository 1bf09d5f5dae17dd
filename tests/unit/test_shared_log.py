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
import threading
import time
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


class Noted:
    """A follower's ``passed``: the positions the tap noted for it, in order."""

    def __init__(self) -> None:
        self.positions: list[int] = []

    def __call__(self, position: int) -> None:
        self.positions.append(position)


def wait_until_waiting(tap: Tap, bound: float = 60.0) -> None:
    """Until the follower's thread sleeps in the tap (what a follower with nothing to do does); a bound
    (never reached when it works) so a regression fails instead of hanging the suite."""
    deadline = time.monotonic() + bound
    with tap._changed:
        while not tap._waiting:
            assert time.monotonic() < deadline, "the follower never waited in the tap"
            tap._changed.wait(0.01)


def joined(follower: threading.Thread) -> None:
    follower.join(60)
    assert not follower.is_alive(), "the follower was never handed its notification"


def test_a_skipped_topic_is_noted_not_handed_while_the_follower_waits(recorder: Any, log: SharedLog) -> None:
    noted = Noted()
    with log.subscribe(None, (), skips=lambda topic: topic == "skip", passed=noted) as tap:
        got: list[int] = []
        follower = threading.Thread(target=lambda: got.extend(n.id for n in itertools.islice(tap, 1)))
        follower.start()
        wait_until_waiting(tap)
        skipped = record(recorder, "skip", "skip")
        handled = record(recorder, "a")
        joined(follower)
        assert got == handled  # never woken for the skipped ones
        assert noted.positions == skipped  # each noted, in order, before the handled one was handed


def test_skips_behind_a_busy_follower_are_handed_as_their_last_one(recorder: Any, log: SharedLog) -> None:
    noted = Noted()
    with log.subscribe(None, (), skips=lambda topic: topic == "skip", passed=noted) as tap, \
            log.subscribe(None, ()) as marker:
        ids = record(recorder, "a", "skip", "skip", "a", "skip", "skip", "skip")
        take(marker, 7)  # every one offered to both taps by now, none taken from ``tap``
        assert take(tap, 4) == [(ids[0], "a"), (ids[2], "skip"), (ids[3], "a"), (ids[6], "skip")]
        assert noted.positions == []  # the follower was never waiting with all before applied


def test_a_position_is_never_noted_past_a_handled_notification_not_yet_applied(
        recorder: Any, log: SharedLog) -> None:
    noted = Noted()
    with log.subscribe(None, (), skips=lambda topic: topic == "skip", passed=noted) as tap, \
            log.subscribe(None, ()) as marker:
        got: list[int] = []
        follower = threading.Thread(target=lambda: got.extend(n.id for n in itertools.islice(tap, 1)))
        follower.start()
        wait_until_waiting(tap)
        ids = record(recorder, "a", "skip")  # "a" wakes the follower; "skip" comes before it is done
        take(marker, 2)
        joined(follower)  # it has taken "a" and stopped there: "a" is not applied as far as the tap knows
        assert got == ids[:1] and noted.positions == []
        assert take(tap, 1) == [(ids[1], "skip")]  # handed: the follower notes it after "a"
