"""PostgresIdempotencyStore: the first response to each Idempotency-Key.

Like sessions, this is API bookkeeping, not clinical record, so it lives in a
plain table (schema ``auth``) rather than in the event store. The key itself
is never stored: rows are addressed by an HMAC of (caller, key), and the
response body arrives here already encrypted by the interface. Nothing in
this module logs a body.

A row is ``pending`` while the first request runs (a concurrent retry is told
to wait), then ``done`` with the response. A pending row whose lock has
lapsed (its process died) may be claimed again; expired rows are purged.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Callable

from eventsourcing.postgres import PostgresDatastore
from medisync.adapters.postgres.ddl import apply_ddl

DDL = """
CREATE SCHEMA IF NOT EXISTS auth;
CREATE TABLE IF NOT EXISTS auth.idempotency_keys (
    key_id text PRIMARY KEY, fingerprint text NOT NULL, state text NOT NULL,
    status integer, headers jsonb, body bytea,
    created_at double precision NOT NULL, expires_at double precision NOT NULL,
    locked_until double precision NOT NULL);
CREATE INDEX IF NOT EXISTS idempotency_expiry ON auth.idempotency_keys (expires_at)
"""

OWNED, REPLAY, MISMATCH, IN_PROGRESS = "owned", "replay", "mismatch", "in_progress"
PURGE_EVERY = 500  # claims between two sweeps of expired keys


@dataclass(frozen=True)
class Claim:
    outcome: str
    status: int | None = None
    headers: dict[str, str] | None = None
    body: bytes | None = None


class PostgresIdempotencyStore:
    def __init__(self, datastore: PostgresDatastore, ttl_s: int, lock_s: float = 120.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.datastore = datastore
        self.ttl_s = ttl_s
        self.lock_s = lock_s
        self.clock = clock
        self._claims = 0

    def create_tables(self) -> None:
        apply_ddl(self.datastore, DDL)

    def claim(self, key_id: str, fingerprint: str) -> Claim:
        """Own the key (first use), or learn what became of its first use."""
        self._claims += 1
        if self._claims % PURGE_EVERY == 0:
            self.purge_expired()
        now = self.clock()
        with self.datastore.transaction(commit=True) as cursor:
            # Expired keys, and pending ones whose owner died, are free again.
            cursor.execute("DELETE FROM auth.idempotency_keys WHERE key_id = %s AND (expires_at <= %s "
                           "OR (state = 'pending' AND locked_until <= %s))", (key_id, now, now))
            cursor.execute("INSERT INTO auth.idempotency_keys (key_id, fingerprint, state, created_at, "
                           "expires_at, locked_until) VALUES (%s, %s, 'pending', %s, %s, %s) "
                           "ON CONFLICT (key_id) DO NOTHING RETURNING key_id",
                           (key_id, fingerprint, now, now + self.ttl_s, now + self.lock_s))
            if cursor.fetchone() is not None:
                return Claim(OWNED)
            cursor.execute("SELECT fingerprint, state, status, headers, body FROM auth.idempotency_keys "
                           "WHERE key_id = %s", (key_id,))
            row = cursor.fetchone()
        if row is None:  # freed between the two statements: let the client retry
            return Claim(IN_PROGRESS)
        if row["fingerprint"] != fingerprint:
            return Claim(MISMATCH)
        if row["state"] != "done":
            return Claim(IN_PROGRESS)
        headers = row["headers"] if isinstance(row["headers"], dict) else json.loads(row["headers"])
        return Claim(REPLAY, row["status"], headers, bytes(row["body"]))

    def complete(self, key_id: str, status: int, headers: dict[str, str], body: bytes) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("UPDATE auth.idempotency_keys SET state = 'done', status = %s, headers = %s, "
                           "body = %s WHERE key_id = %s", (status, json.dumps(headers), body, key_id))

    def release(self, key_id: str) -> None:
        """Forget a key whose request did not succeed, so the client may retry it."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("DELETE FROM auth.idempotency_keys WHERE key_id = %s AND state = 'pending'",
                           (key_id,))

    def purge_expired(self, limit: int = 500) -> int:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("DELETE FROM auth.idempotency_keys WHERE key_id IN (SELECT key_id FROM "
                           "auth.idempotency_keys WHERE expires_at <= %s LIMIT %s)", (self.clock(), limit))
            return cursor.rowcount

    def expiry_of(self, key_id: str) -> tuple[float, float] | None:
        """(created_at, expires_at) of a key; for operators and tests."""
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute("SELECT created_at, expires_at FROM auth.idempotency_keys WHERE key_id = %s",
                           (key_id,))
            row: Any = cursor.fetchone()
        return (row["created_at"], row["expires_at"]) if row else None
