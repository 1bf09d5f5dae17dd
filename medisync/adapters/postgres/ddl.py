"""Apply a block of idempotent DDL statements in one transaction."""

from __future__ import annotations

from eventsourcing.postgres import PostgresDatastore


def apply_ddl(datastore: PostgresDatastore, ddl: str) -> None:
    with datastore.transaction(commit=True) as cursor:
        for statement in ddl.split(";"):
            if statement.strip():
                cursor.execute(statement)
