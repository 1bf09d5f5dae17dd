"""Revoked access tokens, kept current in memory by LISTEN/NOTIFY (D53).

``PostgresSessionStore.revoke_access`` notifies channel ``medisync_revoked``
in the transaction that records the revocation, so every process listening
learns of it when it commits. A listener that (re)connects first listens,
then reloads the whole unexpired set, so nothing committed in between is
missed; while it is disconnected its owner must not trust the set.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Iterable

import psycopg

from medisync.adapters.backoff import keep_running

log = logging.getLogger(__name__)

CHANNEL = "medisync_revoked"
Revocation = tuple[str, float]  # (jti, expires_at)


def notify_sql() -> str:
    """The statement (one parameter: ``jti:expires_at``) that announces a revocation."""
    return f"SELECT pg_notify('{CHANNEL}', %s)"


class RevocationListener:
    def __init__(self, url: str, on_reload: Callable[[Iterable[Revocation]], None],
                 on_revoked: Callable[[str, float], None], on_lost: Callable[[], None]) -> None:
        self.url = url
        self.on_reload = on_reload
        self.on_revoked = on_revoked
        self.on_lost = on_lost
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="revocation-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        keep_running(self._listen, self._stopping, self._failed)

    def _failed(self, error: Exception, wait: float) -> None:
        self.on_lost()
        log.warning("revocation listener lost its connection (%s); retrying in %.1f s",
                    type(error).__name__, wait)

    def _listen(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            rows = conn.execute("SELECT jti, expires_at FROM auth.revoked_access WHERE expires_at > %s",
                                (time.time(),)).fetchall()
            self.on_reload((str(jti), float(expires)) for jti, expires in rows)
            while not self._stopping.is_set():
                for notify in conn.notifies(timeout=1.0):
                    jti, _, expires = notify.payload.rpartition(":")
                    self.on_revoked(jti, float(expires or 0))
        self.on_lost()
