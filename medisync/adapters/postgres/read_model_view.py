"""Postgres implementation of a projection's view.

``apply`` writes the projection's changes and its tracking row in one
transaction: an event is processed exactly once, and a restarted projector
resumes after the last event it committed.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg import Cursor
from psycopg.sql import SQL, Composed, Identifier, Placeholder
from psycopg.types.json import Jsonb

from medisync.adapters.postgres.schema import READ_SCHEMA, primary_key, table_ddl
from medisync.projections.changes import ReadModelView, ViewChange


def _adapt(value: Any) -> Any:
    return Jsonb(value) if isinstance(value, (dict, list)) else value




def _assignments(values: dict[str, Any], prefix: str) -> tuple[list[Composed], dict[str, Any]]:
    parts, params = [], {}
    for index, (column, value) in enumerate(values.items()):
        key = f"{prefix}{index}"
        parts.append(SQL("{} = {}").format(Identifier(column), Placeholder(key)))
        params[key] = _adapt(value)
    return parts, params


def _merges(merge: dict[str, dict[str, Any]]) -> tuple[list[Composed], dict[str, Any]]:
    parts, params = [], {}
    for index, (column, value) in enumerate(merge.items()):
        key = f"m{index}"
        parts.append(SQL("{0} = coalesce({0}, '{{}}'::jsonb) || {1}").format(
            Identifier(column), Placeholder(key)))
        params[key] = Jsonb(value)
    return parts, params


def change_statement(change: ViewChange, schema: str = READ_SCHEMA) -> tuple[Composed, dict[str, Any]]:
    table = Identifier(schema, change.table)
    if change.kind == "insert":
        return _insert(change, table)
    where, where_params = _assignments(change.where, "w")
    condition = SQL(" AND ").join(where)
    if change.kind == "delete":
        return SQL("DELETE FROM {} WHERE {}").format(table, condition), where_params
    sets, set_params = _assignments(change.values, "v")
    merges, merge_params = _merges(change.merge)
    statement = SQL("UPDATE {} SET {} WHERE {}").format(
        table, SQL(", ").join(sets + merges), condition)
    return statement, {**where_params, **set_params, **merge_params}


def _insert(change: ViewChange, table: Identifier) -> tuple[Composed, dict[str, Any]]:
    # Upsert: a rebuild or a redelivered event rewrites the same row.
    columns = list(change.values)
    keys = primary_key(change.table)
    updates = [SQL("{0} = EXCLUDED.{0}").format(Identifier(c)) for c in columns if c not in keys]
    statement = SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}").format(
        table, SQL(", ").join(map(Identifier, columns)),
        SQL(", ").join(Placeholder(c) for c in columns), SQL(", ").join(map(Identifier, keys)),
        SQL(", ").join(updates))
    return statement, {c: _adapt(v) for c, v in change.values.items()}


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
        for change in changes:
            statement, params = change_statement(change, self.schema)
            cursor.execute(statement, params)
