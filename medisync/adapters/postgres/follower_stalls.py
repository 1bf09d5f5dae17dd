"""PostgresFollowerStalls: the followers that cannot go on, as they report it (``ops.follower_stalls``, D87).

A row per stalled follower and process: the notification id of the event it
cannot apply (null when reading the log fails), the error's class (never its
message), the attempts, since when, and when it tries next. The follower
writes it at each failed attempt and deletes it once it got past; a row not
refreshed for ``STALE_S`` (its process died stalled) is no longer reported.
Any process reads it: the health endpoint and ``/metrics`` of every API
process report a view stalled in a ``medisync project`` process.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime
from typing import TypedDict, cast

from eventsourcing.postgres import PostgresDatastore

from medisync.adapters.postgres.ddl import apply_ddl
from medisync.adapters.stall_watch import EVENT_MAX_S

DDL = """
CREATE SCHEMA IF NOT EXISTS ops;
CREATE TABLE IF NOT EXISTS ops.follower_stalls (
    follower text NOT NULL, process text NOT NULL, notification_id bigint, error text NOT NULL,
    attempts integer NOT NULL, since timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(), retry_at timestamptz NOT NULL,
    PRIMARY KEY (follower, process))
"""
STALE_S = 3 * EVENT_MAX_S  # a stalled follower refreshes its row at least every EVENT_MAX_S


class FollowerStall(TypedDict):
    """A row of ``ops.follower_stalls``."""

    follower: str
    process: str
    notification_id: int | None
    error: str
    attempts: int
    since: datetime
    updated_at: datetime
    retry_at: datetime


class PostgresFollowerStalls:
    def __init__(self, datastore: PostgresDatastore, process: str | None = None) -> None:
        self.datastore = datastore
        self.process = process or f"{socket.gethostname()}:{os.getpid()}"

    def create_tables(self) -> None:
        apply_ddl(self.datastore, DDL)

    def stalled(self, follower: str, position: int | None, error: str, attempts: int,
                retry_in_s: float) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "INSERT INTO ops.follower_stalls AS s (follower, process, notification_id, error, attempts, "
                "retry_at) VALUES (%s, %s, %s, %s, %s, now() + make_interval(secs => %s)) "
                "ON CONFLICT (follower, process) DO UPDATE SET error = EXCLUDED.error, "
                "attempts = EXCLUDED.attempts, updated_at = now(), retry_at = EXCLUDED.retry_at, "
                "since = CASE WHEN s.notification_id IS NOT DISTINCT FROM EXCLUDED.notification_id "
                "THEN s.since ELSE now() END, notification_id = EXCLUDED.notification_id",
                (follower, self.process, position, error, attempts, retry_in_s))

    def recovered(self, follower: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("DELETE FROM ops.follower_stalls WHERE follower = %s AND process = %s",
                           (follower, self.process))

    def listing(self) -> list[FollowerStall]:
        """The stalls reported within ``STALE_S``, by follower."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT * FROM ops.follower_stalls WHERE updated_at > now() - make_interval(secs => %s) "
                           "ORDER BY follower, process", (STALE_S,))
            return [cast(FollowerStall, dict(row)) for row in cursor.fetchall()]
