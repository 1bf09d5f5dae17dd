"""The read-model query behind audio retention."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from eventsourcing.postgres import PostgresDatastore

from medisync.application.audit.records import ExpiredRecording


class PostgresRetentionReads:
    def __init__(self, datastore: PostgresDatastore) -> None:
        self.datastore = datastore

    def recordings_uploaded_before(self, cutoff: datetime) -> list[ExpiredRecording]:
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute("SELECT id, practice_id, appointment_id, created_at FROM read.recordings "
                           "WHERE NOT deleted AND created_at < %s ORDER BY created_at, id", (cutoff,))
            return cast("list[ExpiredRecording]", cursor.fetchall())
