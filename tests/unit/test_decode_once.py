"""Each handed notification is decoded once per process and its domain event
shared by every follower (D74).

An eventsourcing application on its in-memory recorder, the process's
``SharedLog`` and real ``LogFollower`` threads: every follower still gets every
event of its topics (the ones it started behind included), the decode runs once
per handed notification, a follower that passes over a topic never has it
decoded, a follower whose handler fails does not stop the others, and the
shared event is frozen. Waits are on the followers' positions, never on time.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Iterator

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Notification, Tracking
from eventsourcing.utils import get_topic

from medisync.adapters.log_follower import LogFollower
from medisync.adapters.shared_log import SharedLog
from tests.support.memory_log import MemoryRecorder


class Chart(Aggregate):
    @event("Noted")
    def note(self, text: str) -> None:
        self.text = text

    @event("Flagged")
    def flag(self) -> None:
        self.flagged = True


class CountingApp(Application[Any]):
    """Counts its mapper's decodes, by topic; its in-memory recorder's subscription misses no write."""

    def construct_recorder(self) -> Any:
        return MemoryRecorder()

    def construct_mapper(self) -> Any:
        mapper = super().construct_mapper()
        self.decoded: list[str] = []
        decode = mapper.to_domain_event

        def counting(notification: Notification) -> Any:
            self.decoded.append(notification.topic)
            return decode(notification)
        mapper.to_domain_event = counting  # type: ignore[method-assign]
        return mapper


class Positions:
    def __init__(self) -> None:
        self.at: dict[str, int] = {}
        self.changed = threading.Condition()

    def advance(self, name: str, position: int) -> None:
        with self.changed:
            self.at[name] = position
            self.changed.notify_all()

    def reach(self, names: list[str], position: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: all(self.at.get(n, 0) >= position for n in names), timeout=60), \
                f"followers did not reach {position}"  # a lost event fails the test, never hangs the suite


@pytest.fixture
def app() -> CountingApp:
    return CountingApp()


@pytest.fixture
def shared(app: CountingApp) -> Iterator[SharedLog]:
    log = SharedLog(app.recorder)
    yield log
    log.close()


def write(app: CountingApp, count: int) -> int:
    for i in range(count):
        chart = Chart()
        chart.note(f"note {i}")
        chart.flag()
        app.save(chart)
    return app.recorder.max_notification_id() or 0


def follower(name: str, app: CountingApp, shared: SharedLog, positions: Positions, seen: list[Any],
             **options: Any) -> LogFollower:
    return LogFollower(name, app, lambda event, _tracking: seen.append(event), start_after=lambda: None,
                       on_progress=positions.advance, subscribe=shared.subscribe, **options)


def run(followers: list[LogFollower]) -> None:
    for each in followers:
        each.start()


def stop(followers: list[LogFollower]) -> None:
    for each in followers:
        each.stop()


def test_every_follower_gets_every_event_and_each_is_decoded_once(app: CountingApp, shared: SharedLog) -> None:
    before = write(app, 2)  # read from the store by each follower: decoded by each
    positions, seen = Positions(), {name: [] for name in ("a", "b", "c")}
    followers = [follower(name, app, shared, positions, seen[name]) for name in seen]
    run(followers)
    try:
        positions.reach(list(seen), before)
        app.decoded.clear()
        head = write(app, 5)
        positions.reach(list(seen), head)
    finally:
        stop(followers)
    assert [len(events) for events in seen.values()] == [head] * 3
    assert len(app.decoded) == head - before  # the handed ones: once each, not three times
    handed = [events[before:] for events in seen.values()]
    assert all(x is y for x, y in zip(handed[0], handed[1])) and all(x is y for x, y in zip(handed[0], handed[2]))


def test_a_topic_a_follower_passes_over_is_not_decoded_for_it(app: CountingApp, shared: SharedLog) -> None:
    noted = get_topic(Chart.Noted)
    positions, seen, passed = Positions(), [], []

    def passes_over(topic: str, tracking: Tracking) -> bool:
        if topic != noted:
            passed.append(tracking.notification_id)
        return topic != noted
    only = follower("only-noted", app, shared, positions, seen, passes_over=passes_over)
    run([only])
    try:
        head = write(app, 3)
        positions.reach(["only-noted"], head)
    finally:
        stop([only])
    assert [type(e) for e in seen] == [Chart.Noted] * 3 and len(passed) == 6  # created, flagged
    assert set(app.decoded) == {noted}


def test_a_follower_whose_handler_fails_does_not_stop_the_others(app: CountingApp, shared: SharedLog) -> None:
    positions, seen = Positions(), []

    def broken(_event: Any, _tracking: Tracking) -> None:
        raise RuntimeError("a bug in one view")
    failing = LogFollower("failing", app, broken, start_after=lambda: None, subscribe=shared.subscribe)
    healthy = follower("healthy", app, shared, positions, seen)
    run([failing, healthy])
    try:
        head = write(app, 4)
        positions.reach(["healthy"], head)
    finally:
        stop([failing, healthy])
    assert len(seen) == head


def test_the_shared_event_is_frozen(app: CountingApp, shared: SharedLog) -> None:
    positions, seen = Positions(), []
    one = follower("one", app, shared, positions, seen)
    run([one])
    try:
        positions.reach(["one"], write(app, 1))
    finally:
        stop([one])
    with pytest.raises(dataclasses.FrozenInstanceError):
        seen[1].text = "changed by one follower"


def test_a_decode_that_fails_is_not_kept_for_the_next_follower(app: CountingApp, shared: SharedLog) -> None:
    with shared.subscribe(None, ()) as first, shared.subscribe(None, ()) as second:
        write(app, 1)
        calls: list[int] = []

        def flaky(notification: Notification) -> Any:
            calls.append(notification.id)
            if len(calls) == 1:
                raise ConnectionError("the keyring's database went away")
            return app.mapper.to_domain_event(notification)
        notification = next(first)
        with pytest.raises(ConnectionError):
            first.decode(notification, flaky)
        assert second.decode(next(second), flaky) is first.decode(notification, flaky)
        assert calls == [notification.id, notification.id]
