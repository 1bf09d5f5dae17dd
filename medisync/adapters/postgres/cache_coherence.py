"""Keep a process's aggregate cache current with every write, from any process (D54).

A listener on the event store's notification channel reads, after each
commit anywhere, the new records' ids, originator ids, versions and topics
(not their state: nothing is decoded) on a connection of its own, outside the
event store's pool, and drops a cached aggregate as soon as a newer event for
it is committed. While it runs (and the application has a cache), the
repository trusts its cache: a load no longer asks the store for newer
events. Whenever it (re)connects the cache is emptied first, so nothing
cached while it was down is trusted.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, NamedTuple
from uuid import UUID

import psycopg
from psycopg import sql

from medisync.adapters.backoff import keep_running

log = logging.getLogger(__name__)

PAGE = 1000


class Written(NamedTuple):
    id: int
    originator_id: UUID
    originator_version: int
    topic: str


class CacheCoherence:
    """``on_write`` sees every record too (the authentication cache drops changed users, D53)."""

    def __init__(self, app: Any, url: str, start_after: Callable[[], int | None] | None = None,
                 on_write: Callable[[Written], None] | None = None,
                 on_lost: Callable[[], None] | None = None) -> None:
        self.app = app
        self.url = url
        self.repository = app.repository
        self.start_after = start_after or app.recorder.max_notification_id
        self.on_write = on_write or (lambda _written: None)
        #: called whenever the listener stops following (error, reconnect, stop): what it fed is no
        #: longer kept current, so a cache it feeds must stop answering until ``start_after`` again
        self.on_lost = on_lost or (lambda: None)
        self.position: int | None = None
        recorder = app.recorder
        self._channel = sql.SQL("LISTEN {0}").format(sql.Identifier(recorder.channel_name))
        self._select = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic FROM {0}.{1} "
            "WHERE notification_id > %s ORDER BY notification_id LIMIT {2}").format(
            sql.Identifier(recorder.datastore.schema), sql.Identifier(recorder.events_table_name),
            sql.Literal(PAGE))
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cache-coherence", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self.repository.trusted = False
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        keep_running(self._follow, self._stopping, self._failed)

    def _failed(self, error: Exception, wait: float) -> None:
        self.repository.trusted = False
        log.warning("aggregate cache coherence lost (%s); loads fast-forward until it is back",
                    type(error).__name__)

    def _follow(self) -> None:
        caching = self.repository.cache is not None
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(self._channel)  # listening before reading: no commit falls in between
            # (re)opens what the listener feeds, from where that reads: only once listening, so a failed
            # reconnect never turns the row cache back on without a listener (review)
            resumed = self.start_after()
            if self.position is None:
                self.position = resumed or 0
            if caching:
                self.repository.clear_cache()  # nothing cached before now is trusted
                self.repository.trusted = True
            try:
                while not self._stopping.is_set():
                    self._catch_up(conn, caching)
                    for _ in conn.notifies(timeout=0.5, stop_after=1):
                        pass
            finally:
                self.repository.trusted = False
                self.on_lost()

    def _catch_up(self, conn: psycopg.Connection[Any], caching: bool) -> None:
        while True:
            rows = conn.execute(self._select, (self.position,)).fetchall()
            for notification_id, originator_id, version, topic in rows:
                written = Written(notification_id, UUID(str(originator_id)), version, topic)
                if caching:
                    self.repository.forget_stale(written.originator_id, version)
                self.on_write(written)
                self.position = notification_id
            if len(rows) < PAGE:
                return
