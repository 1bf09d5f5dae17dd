"""A follower that cannot apply an event (D87), without I/O: the wait doubles up to a cap while the same
event fails and starts again once it got past; the stall names the event and the error's class only; it
ends when that event is applied. The real view, log and health are in tests/integration/test_follower_stalls.py."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from eventsourcing.persistence import OperationalError, Tracking

from medisync.adapters.metrics import StateCollector
from medisync.adapters.stall_watch import EVENT_MAX_S, READ_MAX_S, StallWatch


class Reports:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def stalled(self, follower: str, position: int | None, error: str, attempts: int, retry_in_s: float) -> None:
        self.calls.append(("stalled", follower, position, error, attempts, retry_in_s))

    def recovered(self, follower: str) -> None:
        self.calls.append(("recovered", follower))


class Broken(Exception):
    pass


def fail_at(watch: StallWatch, handle: Any, position: int) -> float:
    try:
        handle(None, Tracking("app", position))
    except Broken as error:
        return watch.failed(error, 0.0)
    raise AssertionError("the handler did not fail")


def test_the_same_event_failing_waits_longer_each_time_and_the_stall_ends_once_it_is_applied() -> None:
    reports, broken = Reports(), [True]
    watch = StallWatch("patients", reports)

    def apply(_event: Any, _tracking: Tracking) -> None:
        if broken[0]:
            raise Broken("row quotes 'Jane Doe'")

    handle = watch.guard(apply)
    waits = [fail_at(watch, handle, 7) for _ in range(10)]
    assert waits == sorted(waits) and waits[0] < 1 and waits[-1] == EVENT_MAX_S
    assert reports.calls[-1] == ("stalled", "patients", 7, "Broken", 10, EVENT_MAX_S)
    assert "Jane" not in repr(reports.calls)
    broken[0] = False
    handle(None, Tracking("app", 7))
    assert watch.attempts == 0 and reports.calls[-1] == ("recovered", "patients")
    broken[0] = True
    assert fail_at(watch, handle, 9) == waits[0]  # a new stall starts from the first wait


def test_reading_the_log_failing_is_a_stall_without_an_event_and_ends_on_subscribing() -> None:
    reports = Reports()
    watch = StallWatch("notes", reports)
    waits = [watch.failed(ConnectionError("gone"), 0.0) for _ in range(8)]
    assert waits[-1] == READ_MAX_S and reports.calls[-1][2:4] == (None, "ConnectionError")
    subscribe = watch.guard_subscribe(lambda gt, topics: "subscription")
    assert subscribe(3, ()) == "subscription" and watch.attempts == 0


def test_a_log_failing_after_each_subscription_still_backs_off() -> None:
    """Review: each subscription ended the read stall, so the wait stayed at the first one forever; it
    now follows the caller's doubling backoff."""
    watch = StallWatch("notes")
    subscribe = watch.guard_subscribe(lambda gt, topics: "subscription")
    waits = []
    for backoff in (0.2, 0.4, 0.8, 1.6):
        subscribe(3, ())
        waits.append(watch.failed(ConnectionError("gone"), backoff))
    assert waits == [0.2, 0.4, 0.8, 1.6]


def test_a_lost_connection_at_an_event_is_retried_as_often_as_a_failed_read() -> None:
    watch = StallWatch("users")

    def apply(_event: Any, _tracking: Tracking) -> None:
        raise OperationalError("the database system is shutting down")

    handle = watch.guard(apply)
    waits = []
    for _ in range(8):
        try:
            handle(None, Tracking("app", 4))
        except OperationalError as error:
            waits.append(watch.failed(error, 0.0))
    assert waits[-1] == READ_MAX_S and watch.position == 4  # still reported at the event


def test_a_report_that_fails_is_logged_and_the_follower_still_waits(caplog: pytest.LogCaptureFixture) -> None:
    class Down(Reports):
        def stalled(self, *args: Any) -> None:
            raise OSError("database down")

    watch = StallWatch("users", Down())
    assert watch.failed(RuntimeError("x"), 0.0) > 0
    assert "could not be reported (OSError)" in caplog.text


def test_metrics_report_each_stall_by_follower_process_and_error_class() -> None:
    now = datetime.now(timezone.utc)
    stall = {"follower": "patients", "process": "api-1:42", "notification_id": 7, "error": "KeyError",
             "attempts": 3, "since": now - timedelta(seconds=90), "updated_at": now, "retry_at": now}
    collector = StateCollector({"stalls": lambda: [stall]})
    position, seconds = collector._stalls(now)  # noqa: SLF001 - one section of the scrape
    assert [(s.labels, s.value) for s in position.samples] == [
        ({"follower": "patients", "process": "api-1:42", "error": "KeyError"}, 7)]
    assert seconds.samples[0].value == 90
