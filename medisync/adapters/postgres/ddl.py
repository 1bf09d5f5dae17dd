"""Apply a block of idempotent DDL statements in one transaction."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import psycopg
from eventsourcing.postgres import PostgresDatastore

from medisync.adapters.postgres.connection import connection_params


def apply_ddl(datastore: PostgresDatastore, ddl: str) -> None:
    with datastore.transaction(commit=True) as cursor:
        for statement in ddl.split(";"):
            if statement.strip():
                cursor.execute(statement)


SCHEMA_LOCK_KEY = 7_140_512_1  # any constant shared by every MediSync process


@contextmanager
def schema_lock(url: str) -> Iterator[None]:
    """Serialise schema creation across processes starting at the same time:
    CREATE ... IF NOT EXISTS is not safe against a concurrent twin."""
    with psycopg.connect(**connection_params(url), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))
