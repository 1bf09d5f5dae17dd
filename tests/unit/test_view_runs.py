"""A view applies what is ready behind the event it woke for as one run (D85).

An eventsourcing application on its in-memory recorder, the process's ``SharedLog`` and a real
``LogFollower`` thread. The view's first apply (of the first chart's note) is held until every later
write has been handed to its tap (a marker tap of the same log has taken them), so the run is ready
by construction, never by timing: the rest is applied in one call with the tracking of the last
notification; a run that fails is applied one by one, so the failure is met at its own event.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic

from medisync.adapters.log_follower import LogFollower
from medisync.adapters.shared_log import SharedLog
from tests.unit.test_decode_once import app, shared  # noqa: F401 - the same fixtures
from tests.unit.test_decode_once import Chart, CountingApp, Positions, write

NOTED = get_topic(Chart.Noted)


class View:
    """Handles ``Chart.Noted`` only; its first apply waits for ``release``."""

    def __init__(self, fail_runs: bool = False) -> None:
        self.applied: list[tuple[list[str], int]] = []  # (texts, tracking) per transaction
        self.entered, self.release = threading.Event(), threading.Event()
        self.fail_runs = fail_runs

    def _hold(self) -> None:
        if not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(60)

    def handles(self, topic: str) -> bool:
        return topic == NOTED

    def process_event(self, event: Any, tracking: Tracking) -> None:
        self._hold()
        if isinstance(event, Chart.Noted):
            self.applied.append(([event.text], tracking.notification_id))

    def process_events(self, events: list[Any], tracking: Tracking) -> None:
        self._hold()
        if self.fail_runs:
            raise RuntimeError("the run's transaction failed")
        self.applied.append(([e.text for e in events], tracking.notification_id))


def held_then_run(app: CountingApp, shared: SharedLog, view: View) -> int:
    positions = Positions()
    follower = LogFollower("view", app, view.process_event, start_after=lambda: None,
                           on_progress=positions.advance, subscribe=shared.subscribe,
                           passes_over=lambda topic, _t: topic != NOTED, runs=view)
    with shared.subscribe(None, ()) as marker:
        follower.start()
        try:
            write(app, 1)  # 3 events a chart: created, noted, flagged
            assert view.entered.wait(60)  # the view applies the first note and is held there
            head = write(app, 3)
            list(itertools.islice(marker, head))  # every one handed to the view's tap by now
            view.release.set()
            positions.reach(["view"], head)
        finally:
            follower.stop()
    return head


def test_what_is_ready_behind_the_event_is_applied_in_one_run_tracked_at_its_last(
        app: CountingApp, shared: SharedLog) -> None:
    view = View()
    head = held_then_run(app, shared, view)
    first, *rest = view.applied
    assert first[0] == ["note 0"] and first[1] in (2, 3)  # its chart's "flagged" may have been ready too
    assert rest == [(["note 0", "note 1", "note 2"], head)]  # the second write's: one transaction, at the last


def test_a_run_that_fails_is_applied_one_by_one(app: CountingApp, shared: SharedLog) -> None:
    view = View(fail_runs=True)
    head = held_then_run(app, shared, view)
    assert view.applied == [(["note 0"], 2), (["note 0"], 5), (["note 1"], 8), (["note 2"], 11)]
    assert head == 12
