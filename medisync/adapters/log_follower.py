"""Follow the event store's notification log in a background thread.

Used in-process by the embedded default (projections, the ML worker) and by
``medisync project``. The subscription is eventsourcing's Postgres
LISTEN/NOTIFY subscription, so a new event is seen at once, without polling.
A failure (database restart, bug in a handler) is logged, and the follower
resubscribes from its last tracked position after a backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from eventsourcing.projection import ApplicationSubscription

from medisync.adapters.backoff import keep_running

log = logging.getLogger(__name__)

EventHandler = Callable[[Any, Tracking], None]


class LogFollower:
    def __init__(self, name: str, app: Application[Any], handle: EventHandler,
                 start_after: Callable[[], int | None], topics: tuple[str, ...] = (),
                 on_progress: Callable[[str, int], None] | None = None) -> None:
        self.name = name
        self.app = app
        self.handle = handle
        self.start_after = start_after
        self.topics = topics
        self.on_progress = on_progress or (lambda _name, _position: None)
        self._stopping = threading.Event()
        self._subscription: ApplicationSubscription[Any] | None = None
        self._thread = threading.Thread(target=self._run, name=f"follow-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._subscription is not None:
            self._subscription.stop()
        self._thread.join(timeout)

    def _run(self) -> None:
        keep_running(self._follow, self._stopping,
                     lambda error, _: log.exception("log follower %s failed; resubscribing", self.name))

    def _follow(self) -> None:
        position = self.start_after()
        self.on_progress(self.name, position or 0)
        with ApplicationSubscription(self.app, gt=position, topics=self.topics) as subscription:
            self._subscription = subscription
            if self._stopping.is_set():
                return
            for domain_event, tracking in subscription:
                self.handle(domain_event, tracking)
                self.on_progress(self.name, tracking.notification_id)
                if self._stopping.is_set():
                    break


class ProjectionProgress:
    """Positions of in-process followers, for read-your-writes waits."""

    def __init__(self) -> None:
        self._positions: dict[str, int] = {}
        self._changed = threading.Condition()

    def advance(self, name: str, position: int) -> None:
        with self._changed:
            if position >= self._positions.get(name, 0):
                self._positions[name] = position
                self._changed.notify_all()

    def positions(self) -> dict[str, int]:
        with self._changed:
            return dict(self._positions)

    def wait(self, names: tuple[str, ...], notification_id: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not all(self._positions.get(n, 0) >= notification_id for n in names):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True
