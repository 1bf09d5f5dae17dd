"""Authentication without a query per request (D53).

Two things decide whether a bearer token still works: the user's row in
``read.users`` (role, tier, active) and whether the token was revoked. Both
are kept in memory here:

- a user's row is cached once read, and dropped the moment any ``User``
  event about them is seen: at once in the process that committed it (before
  the command answers), and in every process by a follower of the log
  (LISTEN/NOTIFY). Each drop raises the user's version floor, so a row read
  before the users projection applied the change is never cached;
- revoked token ids are a set loaded at start and kept current by
  ``NOTIFY medisync_revoked`` (``adapters/postgres/revocations.py``); the
  process that revokes adds to its own set before answering. While the
  listener is disconnected the set is not trusted: the database is asked.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Iterable

from eventsourcing.utils import get_topic

from medisync.adapters.postgres.revocations import Revocation, RevocationListener
from medisync.domain.user import User
from medisync.interface.http.keys import AUTH_CACHE
from medisync.projections.users import UsersProjection

MAX_USERS = 50_000


class AuthCache:
    def __init__(self, max_users: int = MAX_USERS) -> None:
        self._lock = threading.Lock()
        self._users: dict[str, dict[str, Any]] = {}
        self._floor: dict[str, int] = {}  # the newest version of each user seen changing
        self._revoked: dict[str, float] = {}
        self._revocations_current = False
        self.max_users = max_users

    # Users ------------------------------------------------------------------
    def user(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._users.get(user_id)

    def offer(self, row: dict[str, Any]) -> None:
        """Cache a row read from ``read.users``, unless a newer change is known."""
        user_id, version = str(row["id"]), int(row.get("version") or 0)
        with self._lock:
            if version < self._floor.get(user_id, 0):
                return
            if len(self._users) >= self.max_users:
                self._users.clear()
            self._users[user_id] = row

    def changed(self, user_id: str, version: int) -> None:
        with self._lock:
            self._floor[user_id] = max(version, self._floor.get(user_id, 0))
            self._users.pop(user_id, None)

    def saw(self, events: Iterable[Any]) -> None:
        """Drop the users these events change (the committing process, before it answers)."""
        for event in events:
            if type(event) in UsersProjection.handlers and isinstance(event, User.Event):
                self.changed(str(event.originator_id), int(event.originator_version))

    # Revocations ------------------------------------------------------------
    def revoked(self, jti: str) -> bool | None:
        """Whether the token id is revoked; None when the set is not known to be current."""
        with self._lock:
            if not self._revocations_current:
                return None
            return jti in self._revoked

    def revoke(self, jti: str, expires_at: float) -> None:
        with self._lock:
            self._revoked[jti] = expires_at
            if len(self._revoked) % 1024 == 0:  # expired tokens are refused anyway: forget them
                now = time.time()
                self._revoked = {k: v for k, v in self._revoked.items() if v > now}

    def reload_revoked(self, revocations: Iterable[Revocation]) -> None:
        fresh = dict(revocations)
        with self._lock:
            self._revoked = fresh
            self._revocations_current = True

    def lost_revocations(self) -> None:
        with self._lock:
            self._revocations_current = False


def user_event_topics() -> frozenset[str]:
    return frozenset(get_topic(cls) for cls in UsersProjection.handlers if issubclass(cls, User.Event))


def setup_auth_cache(app: Any, container: Any) -> AuthCache:
    """The cache and its revocation listener, started and stopped with the app.

    Changed users reach it through ``CacheCoherence`` (``interface/http/app.py``),
    which reads every record of the log once for both caches.
    """
    cache = AuthCache()
    app[AUTH_CACHE] = cache
    listener = RevocationListener(container.database_url, cache.reload_revoked, cache.revoke,
                                  cache.lost_revocations)

    async def start(_: Any) -> None:
        listener.start()

    async def stop(_: Any) -> None:
        listener.stop()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return cache


def user_changes(cache: AuthCache) -> Any:
    """A callback for every record of the log: drop the user a ``User`` event changed."""
    topics = user_event_topics()

    def seen(notification: Any) -> None:
        if notification.topic in topics:
            cache.changed(str(notification.originator_id), int(notification.originator_version))

    return seen


def users_view_position(container: Any) -> Any:
    """Where the users view stood when the cache was empty: every change it may not yet
    show when a row is first cached comes after this position."""
    return view_position(container, "users")


def view_position(container: Any, name: str) -> Callable[[], int]:
    """A view's tracked position (its table): where a cache of its rows must start listening."""
    return lambda: container.views[name].max_tracking_id(container.app.name) or 0
