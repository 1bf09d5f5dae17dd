"""Keep a process's aggregate cache current with every write, from any process (D54).

A subscription to the whole notification log (LISTEN/NOTIFY, no decoding:
only each record's originator id and version are read) drops a cached
aggregate as soon as a newer event for it is committed anywhere. While it
runs (and the application has a cache), the repository trusts its cache: a load no longer asks the store for
newer events. Whenever the subscription is (re)established the cache is
emptied first, so nothing cached while it was down is trusted.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from eventsourcing.persistence import Notification
from eventsourcing.projection import ApplicationSubscription

from medisync.adapters.backoff import keep_running

log = logging.getLogger(__name__)


class CacheCoherence:
    """``on_write`` sees every record too (the authentication cache drops changed users, D53)."""

    def __init__(self, app: Any, start_after: Callable[[], int | None] | None = None,
                 on_write: Callable[[Notification], None] | None = None) -> None:
        self.app = app
        self.repository = app.repository
        self.start_after = start_after or app.recorder.max_notification_id
        self.on_write = on_write or (lambda _notification: None)
        self.position: int | None = None
        self._stopping = threading.Event()
        self._subscription: ApplicationSubscription[Any] | None = None
        self._thread = threading.Thread(target=self._run, name="cache-coherence", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self.repository.trusted = False
        if self._subscription is not None:
            self._subscription.stop()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        keep_running(self._follow, self._stopping, self._failed)

    def _failed(self, error: Exception, wait: float) -> None:
        self.repository.trusted = False
        log.warning("aggregate cache coherence lost (%s); loads fast-forward until it is back",
                    type(error).__name__)

    def _follow(self) -> None:
        if self.position is None:
            self.position = self.start_after() or 0
        with ApplicationSubscription(self.app, gt=self.position) as subscription:
            self._subscription = subscription
            caching = self.repository.cache is not None
            if caching:
                self.repository.clear_cache()  # nothing cached before now is trusted
                self.repository.trusted = True
            try:
                self._apply(subscription, caching)
            finally:
                self.repository.trusted = False

    def _apply(self, subscription: ApplicationSubscription[Any], caching: bool) -> None:
        for notification in subscription.subscription:
            if caching:
                self.repository.forget_stale(notification.originator_id, notification.originator_version)
            self.on_write(notification)
            self.position = notification.id
            if self._stopping.is_set():
                break
