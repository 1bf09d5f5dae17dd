"""One subscription to the notification log for every follower of a process (D67).

Each follower (eight projections, the audit chain, the erasure evictor, the
in-process ML worker) used to hold its own eventsourcing subscription: its own
``LISTEN`` thread, its own pull thread and one ``select_notifications`` query
per commit, so every command woke ten listeners and sent ten queries, most of
them answered with nothing (a projection's topics rarely match). Measured, that
was about two thirds of the API process's CPU per write.

``SharedLog`` holds the one subscription (all topics) and hands each new
notification to every ``Tap`` whose topics match. A tap that starts behind the
shared position reads the gap from the store itself, in pages, then takes what
the log hands over; one that falls more than ``MAX_HANDED`` behind drops what it
was handed and reads that gap from the store too, so a slow follower costs
memory for at most ``MAX_HANDED`` notifications. If the shared subscription
fails, every tap fails with its error (its follower resubscribes from its own
tracked position, as before) and the log resubscribes after a backoff.

Each handed notification is decoded at most once per process (D74): the first
follower that asks (``Tap.decode``) decodes it and every other tap handed the
same notification gets that domain event (a frozen dataclass, which no handler
mutates: tests/integration/test_decode_once.py). A decode that fails is not
kept: each follower meets the error itself (parks it, or retries a transient
one), as before. What a tap reads from the store is decoded by its follower.

A follower may tell its tap which topics it would only pass over (``skips``) and
how to note that it has passed a position (``passed``): a notification it skips
is then not handed over while the follower waits with everything before it
applied: the tap notes the position itself, on the shared log's thread, and the
follower is not woken (D85). While the follower is busy, a run of skipped
notifications is handed over as its last one only. Either way the position noted
never passes a notification the follower handles and has not applied.

The order is the log's: commits are serialised by the event table's lock, so a
notification id is never filled in behind one already handed over.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Any, Callable, Sequence

from eventsourcing.persistence import ApplicationRecorder, Notification

from medisync.adapters.backoff import keep_running

log = logging.getLogger(__name__)

PAGE = 500
MAX_HANDED = 10_000

Skips = Callable[[str], bool]  # True for a topic whose notifications the follower only passes over
Passed = Callable[[int], None]  # notes that the follower has passed this notification id


class SharedLogUnavailable(RuntimeError):
    """The shared subscription is not running (the database is unreachable): try again later."""


class DecodedOnce:
    """A handed notification's domain event, decoded by the first tap's follower that asks."""

    __slots__ = ("notification", "_lock", "_event", "_done")

    def __init__(self, notification: Notification) -> None:
        self.notification = notification
        self._lock = threading.Lock()
        self._event: Any = None
        self._done = False

    def event(self, decode: Callable[[Notification], Any]) -> Any:
        with self._lock:  # a second asker waits for the first decode rather than repeating it
            if not self._done:
                self._event = decode(self.notification)  # an error is raised to this asker, not kept
                self._done = True
            return self._event


class Tap:
    """One follower's view of the log: an iterator of notifications, stopped with ``stop``."""

    def __init__(self, recorder: ApplicationRecorder, gt: int | None, topics: Sequence[str],
                 until: int, shared: "SharedLog", skips: Skips | None = None,
                 passed: Passed | None = None) -> None:
        self._recorder = recorder
        self._topics = list(topics)
        self._wanted = frozenset(topics)
        self._floor = gt or 0      # what the log hands over must be newer than this
        self._fetched = gt or 0    # the newest notification read from the store or taken
        self._until = until        # read from the store up to here before taking what was handed
        self._ready: deque[Notification] = deque()
        self._handed: deque[DecodedOnce] = deque()
        self._last: DecodedOnce | None = None  # the handed notification ``__next__`` returned last
        self._changed = threading.Condition()
        self._error: BaseException | None = None
        self._stopped = False
        self._shared = shared
        self._skips = skips if passed is not None else None
        self._passed = passed
        self._waiting = False       # the follower waits in ``_take``: all it was given is applied
        self._tail_skipped = False  # the newest of ``_handed`` is one the follower only passes over

    def __enter__(self) -> "Tap":
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def __iter__(self) -> "Tap":
        return self

    def offer(self, handed: DecodedOnce) -> None:
        """Called by the shared log's thread for each new notification, in order."""
        notification = handed.notification
        if notification.id <= self._floor or (self._wanted and notification.topic not in self._wanted):
            return
        with self._changed:
            skipped = self._skips is not None and self._skips(notification.topic)
            if skipped and self._idle():
                self._fetched = notification.id  # passed over, not handed: the follower sleeps on
                self._passed(notification.id)  # type: ignore[misc]
            elif skipped and self._tail_skipped and self._handed:
                self._handed[-1] = handed  # a run of skipped ones: the follower needs only the last
            else:
                self._hand(handed, skipped)

    def _hand(self, handed: DecodedOnce, skipped: bool) -> None:
        if len(self._handed) >= MAX_HANDED:
            self._handed.clear()  # too far behind: read this stretch from the store instead
            self._until = handed.notification.id
            self._tail_skipped = False
        else:
            self._handed.append(handed)
            self._tail_skipped = skipped
        self._changed.notify()

    def _idle(self) -> bool:
        """The follower waits for the next notification, with every one before it applied."""
        return (self._waiting and not self._handed and self._fetched >= self._until
                and self._error is None and not self._stopped)

    def decode(self, notification: Notification, decode: Callable[[Notification], Any]) -> Any:
        """The domain event of the notification ``__next__`` just returned: decoded once per
        process when it was handed over, by ``decode`` here when it was read from the store."""
        last = self._last
        if last is not None and last.notification is notification:
            return last.event(decode)
        return decode(notification)

    def fail(self, error: BaseException) -> None:
        with self._changed:
            self._error = error
            self._changed.notify_all()

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        self._shared.remove(self)

    def __next__(self) -> Notification:
        while True:
            if self._stopped:
                raise StopIteration
            self._last = None
            if self._ready:
                return self._ready.popleft()
            with self._changed:
                until = self._until
            if self._fetched < until:
                self._read(until)
                continue
            taken = self._take()
            if taken is not None:
                return taken

    def ready(self, limit: int) -> list[Notification]:
        """Up to ``limit`` of the notifications ``__next__`` would return next that are here now,
        without waiting or reading the store: a follower takes them as one batch (D82). They are
        decoded by their follower, not shared (``decode`` shares only what ``__next__`` returned)."""
        self._last = None
        taken: list[Notification] = []
        while len(taken) < limit and self._ready:
            taken.append(self._ready.popleft())
        with self._changed:
            while (len(taken) < limit and self._handed and self._error is None and not self._stopped
                   and self._fetched >= self._until):
                notification = self._handed.popleft().notification
                self._fetched = notification.id
                taken.append(notification)
        return taken

    def _read(self, until: int) -> None:
        page = self._recorder.select_notifications(start=self._fetched, limit=PAGE, stop=until,
                                                   topics=self._topics, inclusive_of_start=False)
        self._ready.extend(page)
        self._fetched = page[-1].id if len(page) == PAGE else until

    def _take(self) -> Notification | None:
        """The next handed notification; None when there is a stretch to read first."""
        with self._changed:
            self._waiting = True  # seen by ``offer`` only while this thread sleeps in ``wait``
            while not (self._handed or self._stopped or self._error or self._fetched < self._until):
                self._changed.wait()
            self._waiting = False
            if self._error is not None:
                raise self._error
            if self._stopped or self._fetched < self._until or not self._handed:
                return None  # stopped, or a stretch to read from the store before what was handed
            self._last = self._handed.popleft()
            self._fetched = self._last.notification.id
            return self._last.notification


class SharedLog:
    """The process's one subscription to the log; ``subscribe`` gives each follower a ``Tap``."""

    def __init__(self, recorder: ApplicationRecorder, ready_timeout_s: float = 10.0) -> None:
        self._recorder = recorder
        self._ready_timeout_s = ready_timeout_s
        self._lock = threading.Lock()
        self._taps: list[Tap] = []
        self._head: int | None = None  # the newest notification handed over; None while not running
        self._running = threading.Event()
        self._stopping = threading.Event()
        self._subscription: Any = None
        self._thread: threading.Thread | None = None

    def subscribe(self, gt: int | None = None, topics: Sequence[str] = (), skips: Skips | None = None,
                  passed: Passed | None = None) -> Tap:
        """A tap that yields every notification after ``gt`` (with one of ``topics``, if given); with
        ``skips`` and ``passed``, one that notes the skipped ones itself while its follower waits."""
        self._start()
        if not self._running.wait(self._ready_timeout_s):
            raise SharedLogUnavailable("the shared log subscription is not running")
        with self._lock:
            if self._head is None:
                raise SharedLogUnavailable("the shared log subscription has just failed")
            tap = Tap(self._recorder, gt, topics, until=max(self._head, gt or 0), shared=self,
                      skips=skips, passed=passed)
            self._taps.append(tap)
        return tap

    def remove(self, tap: Tap) -> None:
        with self._lock:
            if tap in self._taps:
                self._taps.remove(tap)

    def close(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._subscription is not None:
            self._subscription.stop()
        if self._thread is not None:
            self._thread.join(timeout)

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="shared-log", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        keep_running(self._follow, self._stopping, self._failed)

    def _follow(self) -> None:
        head = self._recorder.max_notification_id() or 0
        with self._recorder.subscribe(gt=head) as subscription:
            self._subscription = subscription
            with self._lock:
                self._head = head
                self._running.set()
            if self._stopping.is_set():
                return
            for notification in subscription:
                handed = DecodedOnce(notification)
                with self._lock:  # a tap subscribing meanwhile reads up to the head, then is handed the rest
                    self._head = notification.id
                    for tap in self._taps:
                        tap.offer(handed)
                if self._stopping.is_set():
                    return
        if not self._stopping.is_set():  # a subscription that ends by itself has failed
            raise SharedLogUnavailable("the log subscription ended")

    def _failed(self, error: Exception, _wait: float) -> None:
        log.exception("the shared log subscription failed; its followers resubscribe")
        with self._lock:
            self._running.clear()
            self._head = None
            taps, self._taps = self._taps, []
        for tap in taps:
            tap.fail(error)
