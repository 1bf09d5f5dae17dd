"""PostgresSessionStore: refresh-token families and revoked access tokens.

Session state is security bookkeeping, not clinical record, so it lives in
plain tables (``auth`` schema) rather than in the event store. Only token
hashes are stored.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid

from eventsourcing.postgres import PostgresDatastore

from medisync.adapters.postgres.ddl import apply_ddl
from medisync.adapters.postgres.revocations import notify_sql
from medisync.application.errors import AuthenticationError

DDL = """
CREATE SCHEMA IF NOT EXISTS auth;
CREATE TABLE IF NOT EXISTS auth.refresh_tokens (
    token_hash text PRIMARY KEY, family_id uuid NOT NULL, user_id uuid NOT NULL,
    expires_at double precision NOT NULL, used_at double precision,
    revoked boolean NOT NULL DEFAULT false);
CREATE INDEX IF NOT EXISTS refresh_family ON auth.refresh_tokens (family_id);
CREATE INDEX IF NOT EXISTS refresh_user ON auth.refresh_tokens (user_id);
CREATE TABLE IF NOT EXISTS auth.revoked_access (
    jti text PRIMARY KEY, expires_at double precision NOT NULL)
"""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PostgresSessionStore:
    def __init__(self, datastore: PostgresDatastore, refresh_ttl_s: int) -> None:
        self.datastore = datastore
        self.refresh_ttl_s = refresh_ttl_s

    def create_tables(self) -> None:
        apply_ddl(self.datastore, DDL)

    def create_refresh(self, user_id: str) -> str:
        return self._insert(user_id, str(uuid.uuid4()))

    def rotate_refresh(self, token: str) -> tuple[str, str]:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT * FROM auth.refresh_tokens WHERE token_hash = %s FOR UPDATE",
                           (_digest(token),))
            row = cursor.fetchone()
            if row is None or row["revoked"] or row["expires_at"] < time.time():
                raise AuthenticationError("invalid refresh token")
            reused = row["used_at"] is not None
            if reused:
                # Reuse of a rotated token means it leaked: end the whole family.
                cursor.execute("UPDATE auth.refresh_tokens SET revoked = true WHERE family_id = %s",
                               (row["family_id"],))
            else:
                cursor.execute("UPDATE auth.refresh_tokens SET used_at = %s WHERE token_hash = %s",
                               (time.time(), row["token_hash"]))
        if reused:
            raise AuthenticationError("refresh token reuse detected; session revoked")
        return str(row["user_id"]), self._insert(str(row["user_id"]), str(row["family_id"]))

    def revoke_family_of(self, token: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "UPDATE auth.refresh_tokens SET revoked = true WHERE family_id = "
                "(SELECT family_id FROM auth.refresh_tokens WHERE token_hash = %s)", (_digest(token),))

    def revoke_access(self, jti: str, expires_at: float) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("INSERT INTO auth.revoked_access VALUES (%s, %s) ON CONFLICT DO NOTHING",
                           (jti, expires_at))
            # Every process's in-memory revocation set learns it at commit (D53).
            cursor.execute(notify_sql(), (f"{jti}:{expires_at}",))

    def revoke_user(self, user_id: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("UPDATE auth.refresh_tokens SET revoked = true WHERE user_id = %s",
                           (user_id,))

    def _insert(self, user_id: str, family_id: str) -> str:
        token = secrets.token_urlsafe(32)
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("INSERT INTO auth.refresh_tokens (token_hash, family_id, user_id, "
                           "expires_at) VALUES (%s, %s, %s, %s)",
                           (_digest(token), family_id, user_id, time.time() + self.refresh_ttl_s))
        return token
