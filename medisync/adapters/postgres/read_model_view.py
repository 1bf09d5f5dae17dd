"""Postgres implementation of a projection's view.

``apply`` writes the projection's changes and its tracking row in one
transaction: an event is processed exactly once, and a restarted projector
resumes after the last event it committed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Cursor
from psycopg.sql import SQL, Composed, Identifier, Placeholder
from psycopg.types.json import Jsonb

from medisync.adapters.postgres.schema import READ_SCHEMA, primary_key, table_ddl
from medisync.projections.changes import ReadModelView, ViewChange


def _adapt(value: object) -> object:
    return Jsonb(value) if isinstance(value, (dict, list)) else value


Shape = tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], str]


def _shape(change: ViewChange, schema: str) -> Shape:
    """What decides a change's SQL text: kind, table and column names, not values."""
    return (change.kind, change.table, tuple(change.values), tuple(change.where),
            tuple(change.merge), schema)


def change_statement(change: ViewChange, schema: str = READ_SCHEMA) -> tuple[bytes, dict[str, Any]]:
    return _statement(_shape(change, schema)), _parameters(change)


def _parameters(change: ViewChange) -> dict[str, Any]:
    if change.kind == "insert":
        return {c: _adapt(v) for c, v in change.values.items()}
    params = {f"w{i}": _adapt(v) for i, v in enumerate(change.where.values())}
    params.update({f"v{i}": _adapt(v) for i, v in enumerate(change.values.values())})
    params.update({f"m{i}": Jsonb(v) for i, v in enumerate(change.merge.values())})
    return params


@lru_cache(maxsize=512)
def _statement(shape: Shape) -> bytes:
    # Rendered once per shape: composing and quoting the SQL of every change
    # took a quarter of a rebuild. Our identifiers are fixed ASCII names, so
    # rendering without a connection gives the same bytes.
    return _composed(shape).as_bytes(None)


def _composed(shape: Shape) -> Composed:
    kind, table_name, columns, where, merge, schema = shape
    table = Identifier(schema, table_name)
    if kind == "insert":
        return _insert(table_name, table, columns)
    condition = SQL(" AND ").join(_assignments(where, "w"))
    if kind == "delete":
        return SQL("DELETE FROM {} WHERE {}").format(table, condition)
    merges = [SQL("{0} = coalesce({0}, '{{}}'::jsonb) || {1}").format(Identifier(column), Placeholder(f"m{i}"))
              for i, column in enumerate(merge)]
    return SQL("UPDATE {} SET {} WHERE {}").format(
        table, SQL(", ").join(_assignments(columns, "v") + merges), condition)


def _assignments(columns: tuple[str, ...], prefix: str) -> list[Composed]:
    return [SQL("{} = {}").format(Identifier(c), Placeholder(f"{prefix}{i}")) for i, c in enumerate(columns)]


def _insert(table_name: str, table: Identifier, columns: tuple[str, ...]) -> Composed:
    # Upsert: a rebuild or a redelivered event rewrites the same row.
    keys = primary_key(table_name)
    updates = [SQL("{0} = EXCLUDED.{0}").format(Identifier(c)) for c in columns if c not in keys]
    return SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}").format(
        table, SQL(", ").join(map(Identifier, columns)),
        SQL(", ").join(Placeholder(c) for c in columns), SQL(", ").join(map(Identifier, keys)),
        SQL(", ").join(updates))


class PostgresReadModelView(PostgresTrackingRecorder, ReadModelView):
    def __init__(self, datastore: PostgresDatastore, projection_name: str,
                 tables: tuple[str, ...], schema: str = READ_SCHEMA,
                 tracking_table_name: str | None = None) -> None:
        super().__init__(datastore,
                         tracking_table_name=tracking_table_name or f"{projection_name}_tracking")
        self.projection_name = projection_name
        self.tables = tables
        self.schema = schema
        self.sql_create_statements.append(
            SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(schema)))
        for table in tables:
            for statement in table_ddl(table, schema):
                self.sql_create_statements.append(SQL(statement))  # type: ignore[arg-type]

    def apply(self, changes: list[ViewChange], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            self.execute(cursor, changes)
            self._insert_tracking(cursor, tracking)

    def execute(self, cursor: Cursor[Any], changes: list[ViewChange]) -> None:
        if len(changes) > 1:
            # Many changes (a rebuild's page): send them all, then wait once,
            # instead of a round trip each; they still run in order.
            with cursor.connection.pipeline():
                self._send(cursor, changes)
        else:
            self._send(cursor, changes)

    def _send(self, cursor: Cursor[Any], changes: list[ViewChange]) -> None:
        for change in changes:
            cursor.execute(*change_statement(change, self.schema))
