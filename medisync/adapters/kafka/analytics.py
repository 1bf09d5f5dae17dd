"""`medisync analytics`: an example downstream consumer that never reads our code's
internals, only the published envelopes.

It keeps per-day counts of appointments by status and of recordings and
transcriptions by outcome in its own tables, deduping by ``event_id`` in the
same transaction as the count, so a redelivered event is counted once.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import TypedDict, cast

from eventsourcing.postgres import PostgresDatastore

from medisync.adapters.kafka.client import commit_past, consumer
from medisync.adapters.postgres.ddl import apply_ddl
from medisync.application.integration_events import IntegrationEvent

GROUP = "medisync-analytics"
TOPICS = ("medisync.appointment.v1", "medisync.recording.v1")
DDL = """
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE TABLE IF NOT EXISTS analytics.seen_events (event_id uuid PRIMARY KEY);
CREATE TABLE IF NOT EXISTS analytics.daily_counts (
    day date NOT NULL, metric text NOT NULL, outcome text NOT NULL, count bigint NOT NULL,
    PRIMARY KEY (day, metric, outcome))
"""

class DailyCount(TypedDict):
    day: date
    metric: str
    outcome: str
    count: int


# event type → (metric, outcome)
COUNTED = {
    "appointment.scheduled": ("appointments", "scheduled"),
    "appointment.rescheduled": ("appointments", "rescheduled"),
    "appointment.checked_in": ("appointments", "checked_in"),
    "appointment.started": ("appointments", "started"),
    "appointment.completed": ("appointments", "completed"),
    "appointment.cancelled": ("appointments", "cancelled"),
    "appointment.no_show": ("appointments", "no_show"),
    "recording.uploaded": ("recordings", "uploaded"),
    "recording.deleted": ("recordings", "deleted"),
    "recording.transcribed": ("transcriptions", "completed"),
    "recording.transcription_failed": ("transcriptions", "failed"),
    "recording.dead_lettered": ("transcriptions", "dead_lettered"),
}


class AnalyticsStore:
    def __init__(self, datastore: PostgresDatastore) -> None:
        self.datastore = datastore

    def create_tables(self) -> None:
        apply_ddl(self.datastore, DDL)

    def count(self, envelope: IntegrationEvent) -> bool:
        """Count the event once; False if it was seen before or is not counted."""
        counted = COUNTED.get(envelope.get("type", ""))
        if counted is None:
            return False
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("INSERT INTO analytics.seen_events VALUES (%s) ON CONFLICT DO NOTHING",
                           (envelope["event_id"],))
            if cursor.rowcount == 0:
                return False
            cursor.execute(
                "INSERT INTO analytics.daily_counts VALUES (%s::timestamptz::date, %s, %s, 1) "
                "ON CONFLICT (day, metric, outcome) DO UPDATE SET count = daily_counts.count + 1",
                (envelope["occurred_at"], *counted))
        return True

    def counts(self) -> list[DailyCount]:
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute("SELECT * FROM analytics.daily_counts ORDER BY day, metric, outcome")
            return cast("list[DailyCount]", cursor.fetchall())


def run_analytics(bootstrap: str, store: AnalyticsStore, stopping: threading.Event) -> None:
    kafka = consumer(bootstrap, GROUP, TOPICS)
    try:
        while not stopping.is_set():
            for message in kafka:
                store.count(message.value)
                commit_past(kafka, message)
    finally:
        kafka.close()
