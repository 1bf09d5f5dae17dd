"""Rebuild one read model from the full history, then swap it in atomically.

The projection runs over the notification log into a shadow schema, with
many events per transaction (a rebuild has no readers to keep current).
The swap drops the live tables and moves the shadow ones into ``read`` in
one transaction, so readers see either the old model or the new one, never
a half-built one. Every view change is idempotent (upserts, sets, deletes),
so a live projector that re-applies events after the swap does no harm.
"""

from __future__ import annotations

from typing import Any, Callable

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Identifier

from medisync.adapters.postgres.read_model_view import PostgresReadModelView
from medisync.adapters.postgres.schema import READ_SCHEMA
from medisync.projections.changes import ReadModelView, ViewChange

PAGE = 2000


class _BufferedView(ReadModelView):
    """Collects a page of changes; written in one transaction by the rebuild."""

    def __init__(self) -> None:
        self.changes: list[ViewChange] = []
        self.position: int | None = None

    def apply(self, changes: list[ViewChange], tracking: Tracking) -> None:
        self.changes.extend(changes)
        self.position = tracking.notification_id

    def insert_tracking(self, tracking: Tracking) -> None:
        self.position = tracking.notification_id

    def max_tracking_id(self, application_name: str) -> int | None:
        return self.position


def rebuild(app: Application[Any], datastore: PostgresDatastore, projection_class: Any,
            progress: Callable[[int], None] = lambda _n: None) -> int:
    """Rebuild ``projection_class``'s tables; return the number of events read."""
    name = projection_class.name
    shadow_schema = f"rebuild_{name}"
    live = PostgresReadModelView(datastore, name, projection_class.tables)
    live.create_table()
    _drop_schema(datastore, shadow_schema)
    shadow = PostgresReadModelView(datastore, name, projection_class.tables, schema=shadow_schema,
                                   tracking_table_name=f"{name}_rebuild_tracking")
    shadow.create_table()
    buffer = _BufferedView()
    projection = projection_class(view=buffer)
    count = _replay(app, projection, buffer, shadow, progress)
    _swap(datastore, live, shadow_schema, app.name, buffer.position)
    return count


def _replay(app: Application[Any], projection: Any, buffer: _BufferedView,
            shadow: PostgresReadModelView, progress: Callable[[int], None]) -> int:
    count, start = 0, 1
    while notifications := app.recorder.select_notifications(start, PAGE):
        for notification in notifications:
            projection.process_event(app.mapper.to_domain_event(notification),
                                     Tracking(app.name, notification.id))
        with shadow.datastore.transaction(commit=True) as cursor:
            shadow.execute(cursor, buffer.changes)
        buffer.changes.clear()
        count += len(notifications)
        progress(len(notifications))
        start = notifications[-1].id + 1
    return count


def _swap(datastore: PostgresDatastore, live: PostgresReadModelView, shadow_schema: str,
          app_name: str, position: int | None) -> None:
    with datastore.transaction(commit=True) as cursor:
        for table in live.tables:
            cursor.execute(SQL("DROP TABLE IF EXISTS {}").format(Identifier(READ_SCHEMA, table)))
            cursor.execute(SQL("ALTER TABLE {} SET SCHEMA {}").format(
                Identifier(shadow_schema, table), Identifier(READ_SCHEMA)))
        cursor.execute(SQL("DROP SCHEMA {} CASCADE").format(Identifier(shadow_schema)))
        if position is not None:
            # Never move the live position backwards: a running projector may be ahead.
            cursor.execute(SQL(
                "INSERT INTO {0} VALUES (%s, %s) ON CONFLICT (application_name) DO UPDATE "
                "SET notification_id = GREATEST({0}.notification_id, EXCLUDED.notification_id)"
            ).format(Identifier(datastore.schema, live.tracking_table_name)), (app_name, position))


def _drop_schema(datastore: PostgresDatastore, schema: str) -> None:
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(schema)))
