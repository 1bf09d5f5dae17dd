"""A log follower that cannot go on: it waits longer each time, skips nothing, says so, recovers (D87).

A view that fails to apply an event (a bug in a handler, a constraint its table
breaks, a database restart) must not skip it, since its read model would then be
wrong without anyone knowing, and must not retry it in a hot loop. So the
follower resubscribes from its tracked position, retrying the same event, after
a wait that doubles from ``FIRST_S`` up to ``EVENT_MAX_S`` while the same event
fails (``READ_MAX_S``, as before D87, while reading the log itself fails or the
connection is lost: the database restarting is not the event's fault), and
that starts again at ``FIRST_S`` once it has got past. Until then it is *stalled*:
its name, the failing event's notification id (None when reading the log
failed), the error's class and the attempts are reported to ``StallReports``
(``ops.follower_stalls``, which keeps since when; read by ``/api/v1/health`` and
``/metrics`` in every process). Never the error's message: it may quote the
row (a constraint violation's ``DETAIL``), which may be PHI. The first failure
of a stall is logged with its stack (the JSON log keeps the frames, not the
message); each retry after it with one line.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Protocol

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

log = logging.getLogger(__name__)

FIRST_S = 0.2
EVENT_MAX_S = 30.0  # the same event failing again: at most 120 attempts an hour
READ_MAX_S = 5.0    # reading the log failing, or the connection lost at an event: as before
# Not the event's fault: the database went away (a restart). Retried as often as a failed read.
CONNECTION_LOST = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError, OSError)


def error_class(error: BaseException) -> str:
    """The class's name, and its cause's when it wraps one (``IntegrityError/CheckViolation``)."""
    cause = error.__cause__
    return type(error).__name__ + (f"/{type(cause).__name__}" if cause is not None else "")


class StallReports(Protocol):
    def stalled(self, follower: str, position: int | None, error: str, attempts: int,
                retry_in_s: float) -> None: ...

    def recovered(self, follower: str) -> None: ...


class StallWatch:
    """One follower's stall: ``guard`` its handler and subscription, ``failed`` is keep_running's
    ``on_error`` and gives the wait; the stall ends when the failing event has been applied (or,
    for a failure to read the log, when subscribing succeeds again)."""

    def __init__(self, follower: str, reports: StallReports | None = None) -> None:
        self.follower = follower
        self.reports = reports
        self.position: int | None = None  # the notification id of the event it cannot apply
        self.error: str | None = None     # the error's class name
        self.attempts = 0                 # 0: not stalled
        self._failed_at: int | None = None

    def guard(self, handle: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
        def guarded(event: Any, tracking: Any) -> None:
            try:
                handle(event, tracking)
            except BaseException:
                self._failed_at = tracking.notification_id
                raise
            if self.attempts and self.position is not None and tracking.notification_id >= self.position:
                self._recovered()
        return guarded

    def guard_subscribe(self, subscribe: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(gt: int | None, topics: tuple[str, ...]) -> Any:
            subscription = subscribe(gt, topics)
            if self.attempts and self.position is None:
                self._recovered()
            return subscription
        return guarded

    def failed(self, error: Exception, backoff: float) -> float:
        """Called inside the ``except``: note the stall, log it, report it; the seconds to wait.  A failure
        with no event (reading the log) waits at least the caller's own doubling ``backoff``: a stall of the
        log is ended each time a subscription opens, so its attempts alone would never grow (review)."""
        position, self._failed_at = self._failed_at, None
        kind = error_class(error)
        if self.attempts and position == self.position:
            self.attempts += 1
        else:
            self.position, self.attempts = position, 1
        self.error = kind
        cap = READ_MAX_S if position is None or isinstance(error, CONNECTION_LOST) else EVENT_MAX_S
        wait = min(FIRST_S * 2 ** min(self.attempts - 1, 16), cap)
        if position is None:
            wait = max(wait, backoff)
        what = "reading the log" if position is None else f"applying event #{position}"
        if self.attempts == 1:
            log.exception("follower %s stalled %s (%s); retrying in %.1fs", self.follower, what, kind, wait)
        else:
            log.error("follower %s still stalled %s (%s), attempt %d; retrying in %.1fs",
                      self.follower, what, kind, self.attempts, wait)
        self._report(lambda r: r.stalled(self.follower, position, kind, self.attempts, wait))
        return wait

    def _recovered(self) -> None:
        log.warning("follower %s recovered after %d failed attempts (%s)", self.follower, self.attempts,
                    self.error)
        self.position, self.error, self.attempts = None, None, 0
        self._report(lambda r: r.recovered(self.follower))

    def _report(self, call: Callable[[StallReports], None]) -> None:
        if self.reports is None:
            return
        try:
            call(self.reports)
        except Exception as error:  # noqa: BLE001 - the database may be what failed; logged, kept here
            log.warning("follower %s: its stall could not be reported (%s)", self.follower,
                        type(error).__name__)
