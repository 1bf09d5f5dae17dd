"""PostgresDeadLetters: events a log follower could not decode, parked (``ops.dead_letters``).

A stored event that cannot be turned back into a domain event (its PHI does
not decrypt, its state is not valid JSON, its topic names no class) would
fail the same way on every retry, and the follower would resubscribe from
before it forever, stopping every event behind it. The follower parks it
here instead and goes on. Rows hold ids, the event's topic and the error's
type and message (never the event's state); ``medisync audit dead-letters``
lists them and ``medisync audit resume`` re-delivers one once the cause is
fixed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict, cast
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresDatastore

from medisync.adapters.postgres.ddl import apply_ddl

DDL = """
CREATE SCHEMA IF NOT EXISTS ops;
CREATE TABLE IF NOT EXISTS ops.dead_letters (
    follower text NOT NULL, notification_id bigint NOT NULL, topic text NOT NULL,
    originator_id uuid NOT NULL, originator_version bigint NOT NULL, error text NOT NULL,
    attempts integer NOT NULL DEFAULT 1, status text NOT NULL DEFAULT 'parked',
    parked_at timestamptz NOT NULL DEFAULT now(), resumed_at timestamptz,
    PRIMARY KEY (follower, notification_id))
"""
MAX_ERROR = 300


class DeadLetter(TypedDict):
    """A row of ``ops.dead_letters``."""

    follower: str
    notification_id: int
    topic: str
    originator_id: UUID
    originator_version: int
    error: str
    attempts: int
    status: str  # parked | resumed
    parked_at: datetime
    resumed_at: datetime | None


class PostgresDeadLetters:
    def __init__(self, datastore: PostgresDatastore) -> None:
        self.datastore = datastore

    def create_tables(self) -> None:
        apply_ddl(self.datastore, DDL)

    def park(self, follower: str, notification: Notification, error: BaseException) -> None:
        """Park (or count one more failure of) an event this follower cannot decode."""
        # The message of a decoding error names what failed, not the plaintext.
        text = f"{type(error).__name__}: {error}"[:MAX_ERROR]
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "INSERT INTO ops.dead_letters (follower, notification_id, topic, originator_id, "
                "originator_version, error) VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (follower, notification_id) DO UPDATE SET attempts = "
                "ops.dead_letters.attempts + 1, error = EXCLUDED.error, status = 'parked', resumed_at = NULL",
                (follower, notification.id, notification.topic, notification.originator_id,
                 notification.originator_version, text))

    def listing(self, only_parked: bool = True) -> list[DeadLetter]:
        where = "WHERE status = 'parked' " if only_parked else ""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT * FROM ops.dead_letters " + where + "ORDER BY notification_id, follower")
            return [cast(DeadLetter, dict(row)) for row in cursor.fetchall()]

    def parked(self, follower: str, notification_id: int) -> DeadLetter | None:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT * FROM ops.dead_letters WHERE follower = %s AND notification_id = %s "
                           "AND status = 'parked'", (follower, notification_id))
            row = cursor.fetchone()
        return cast(DeadLetter, dict(row)) if row else None

    def mark_resumed(self, follower: str, notification_id: int) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("UPDATE ops.dead_letters SET status = 'resumed', resumed_at = now() "
                           "WHERE follower = %s AND notification_id = %s", (follower, notification_id))
