"""Follow the event store's notification log in a background thread.

Used in-process by the embedded default (projections, the ML worker) and by
``medisync project``. The subscription is eventsourcing's Postgres
LISTEN/NOTIFY subscription, so a new event is seen at once, without polling.
A failure (database restart, bug in a handler) is logged, and the follower
resubscribes from its last tracked position after a backoff; while the same
event fails it is reported as stalled, and it never skips that event
(``stall_watch.py``, D87).

An event that cannot be decoded (its PHI does not decrypt, its state or
topic is broken) would fail the same way after every resubscription and
stop every event behind it. With a dead-letter store, such an event is
parked (``ops.dead_letters``, the ``medisync_dead_letters_total`` metric)
and skipped, and the follower goes on; ``medisync audit resume`` delivers it
later. Database and I/O errors while decoding (the keyring lives in
Postgres) are not the event's fault: they still resubscribe and retry.

A notification the shared log handed over is decoded once per process, by
whichever follower asks first (D74); a follower given ``passes_over`` is not
handed the domain event of a topic it passes over, so that event is not
decoded for it at all.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import Notification, Tracking

from medisync.adapters.backoff import keep_running
from medisync.adapters.metrics import DEAD_LETTERS
from medisync.adapters.stall_watch import StallReports, StallWatch

log = logging.getLogger(__name__)

EventHandler = Callable[[Any, Tracking], None]
# Gives an iterator of notifications after ``gt`` with one of ``topics``, as a context
# manager with ``stop()``: the process's shared log (D67), else the recorder's own subscription.
Subscribe = Callable[[int | None, tuple[str, ...]], Any]
# True when the follower has nothing to do with a notification of this topic (it may note the
# position itself): its event is then not decoded (D74).
PassesOver = Callable[[str, Tracking], bool]
TRANSIENT = (psycopg.Error, OSError)


class DeadLetters(Protocol):
    def park(self, follower: str, notification: Notification, error: BaseException) -> None: ...


class LogFollower:
    def __init__(self, name: str, app: Application[Any], handle: EventHandler,
                 start_after: Callable[[], int | None], topics: tuple[str, ...] = (),
                 on_progress: Callable[[str, int], None] | None = None,
                 dead_letters: DeadLetters | None = None, subscribe: Subscribe | None = None,
                 passes_over: PassesOver | None = None, stalls: StallReports | None = None) -> None:
        self.name = name
        self.passes_over: PassesOver = passes_over or (lambda _topic, _tracking: False)
        self.watch = StallWatch(name, stalls)  # backoff, never a skip, the stall reported (D87)
        self.subscribe: Subscribe = self.watch.guard_subscribe(
            subscribe or (lambda gt, topics: app.recorder.subscribe(gt=gt, topics=topics)))
        self.dead_letters = dead_letters
        self.app = app
        self.handle = self.watch.guard(handle)
        self.start_after = start_after
        self.topics = topics
        self.on_progress = on_progress or (lambda _name, _position: None)
        self._stopping = threading.Event()
        self._subscription: Any = None
        self._thread = threading.Thread(target=self._run, name=f"follow-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._subscription is not None:
            self._subscription.stop()
        self._thread.join(timeout)

    def _run(self) -> None:
        keep_running(self._follow, self._stopping, self.watch.failed)

    def _follow(self) -> None:
        position = self.start_after()
        self.on_progress(self.name, position or 0)
        with self.subscribe(position, self.topics) as subscription:
            self._subscription = subscription
            if self._stopping.is_set():
                return
            decode = getattr(subscription, "decode", None)  # the shared log's: once per process
            for notification in subscription:  # stored events: we decode them
                tracking = Tracking(self.app.name, notification.id)
                if not self.passes_over(notification.topic, tracking):
                    domain_event = self._decode(notification, decode)
                    if domain_event is not None:
                        self.handle(domain_event, tracking)
                self.on_progress(self.name, tracking.notification_id)
                if self._stopping.is_set():
                    break

    def _decode(self, notification: Notification, shared: Callable[..., Any] | None) -> Any:
        """The domain event, or None if it cannot be decoded and was parked."""
        mapper = self.app.mapper.to_domain_event
        if self.dead_letters is None:
            return shared(notification, mapper) if shared else mapper(notification)
        try:
            return shared(notification, mapper) if shared else mapper(notification)
        except TRANSIENT:
            raise
        except Exception as error:  # noqa: BLE001 - the event itself is broken: park it
            self.dead_letters.park(self.name, notification, error)
            DEAD_LETTERS.labels(follower=self.name).inc()
            log.error("log follower %s parked event #%d (%s): %s", self.name, notification.id,
                      notification.topic, type(error).__name__)
            return None


class ProjectionProgress:
    """Positions of in-process followers, for read-your-writes waits; and, for the views followed
    elsewhere, the positions such waits confirmed (``confirm``, read by the row cache, D78).

    Threads wait with ``wait``; coroutines with ``until``, which parks a future
    that the follower's thread resolves, so an event loop never gives a thread
    to the wait (D52).
    """

    def __init__(self) -> None:
        self._positions: dict[str, int] = {}
        self._confirmed: dict[str, int] = {}  # views followed elsewhere: what a wait here saw them pass
        self._changed = threading.Condition()
        self._waiters: list[_AsyncWaiter] = []
        self._awaited: dict[str, int] = {}  # name -> how many waiters name it: no scan for the others

    def advance(self, name: str, position: int) -> None:
        with self._changed:
            ready: list[_AsyncWaiter] = []
            if position >= self._positions.get(name, 0):
                self._positions[name] = position
                self._changed.notify_all()
                if self._awaited.get(name):  # a view nobody awaits (most, per event) scans nothing
                    ready = [w for w in self._waiters if self._passed(w.names, w.notification_id)]
                for waiter in ready:
                    self._forget(waiter)
        for waiter in ready:
            try:
                waiter.loop.call_soon_threadsafe(_resolve, waiter.future)
            except RuntimeError:  # its event loop has closed: nobody is waiting any more
                pass

    def _passed(self, names: tuple[str, ...], notification_id: int) -> bool:
        return all(self._positions.get(n, 0) >= notification_id for n in names)

    def passed(self, names: tuple[str, ...], notification_id: int) -> bool:
        with self._changed:
            return self._passed(names, notification_id)

    async def until(self, names: tuple[str, ...], notification_id: int, timeout: float) -> bool:
        """Like ``wait``, for a coroutine: no thread is held while waiting."""
        loop = asyncio.get_running_loop()
        waiter = _AsyncWaiter(names, notification_id, loop, loop.create_future())
        with self._changed:
            if self._passed(names, notification_id):
                return True
            self._waiters.append(waiter)
            for name in names:
                self._awaited[name] = self._awaited.get(name, 0) + 1
        try:
            await asyncio.wait_for(waiter.future, timeout)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            with self._changed:
                if waiter in self._waiters:
                    self._forget(waiter)

    def _forget(self, waiter: "_AsyncWaiter") -> None:
        self._waiters.remove(waiter)
        for name in waiter.names:
            self._awaited[name] -= 1

    def confirm(self, names: tuple[str, ...], position: int) -> None:
        """A wait (here or on another process's tracking table) saw these views pass ``position``."""
        with self._changed:
            for name in names:
                self._confirmed[name] = max(position, self._confirmed.get(name, 0))

    def at_least(self, name: str) -> int:
        """A position the view is known to have passed: its follower's here, else what waits confirmed.
        Two dict reads, no lock (each is atomic): called on every cached read (D78)."""
        return max(self._positions.get(name, 0), self._confirmed.get(name, 0))

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


@dataclass(eq=False)
class _AsyncWaiter:
    names: tuple[str, ...]
    notification_id: int
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[bool] = field(repr=False)


def _resolve(future: asyncio.Future[bool]) -> None:
    if not future.done():
        future.set_result(True)
