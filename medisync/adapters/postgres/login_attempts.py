"""PostgresLoginAttempts: every login attempt, for throttling and for the record.

Plain table ``auth.login_attempts`` (security bookkeeping, not clinical
record). The account is a SHA-256 of the normalized email; passwords are
never stored or logged.
"""

from __future__ import annotations

from eventsourcing.postgres import PostgresDatastore
from medisync.adapters.postgres.ddl import apply_ddl

DDL = """
CREATE SCHEMA IF NOT EXISTS auth;
CREATE TABLE IF NOT EXISTS auth.login_attempts (
    id bigserial PRIMARY KEY, account_key text NOT NULL, ip text NOT NULL,
    outcome text NOT NULL, at double precision NOT NULL);
CREATE INDEX IF NOT EXISTS login_attempts_account ON auth.login_attempts (account_key, at);
CREATE INDEX IF NOT EXISTS login_attempts_ip ON auth.login_attempts (ip, at)
"""


class PostgresLoginAttempts:
    def __init__(self, datastore: PostgresDatastore) -> None:
        self.datastore = datastore

    def create_tables(self) -> None:
        apply_ddl(self.datastore, DDL)

    def record(self, account_key: str, ip: str, outcome: str, at: float) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("INSERT INTO auth.login_attempts (account_key, ip, outcome, at) "
                           "VALUES (%s, %s, %s, %s)", (account_key, ip, outcome, at))

    def nth_newest_account_failure(self, account_key: str, since: float, n: int) -> float | None:
        return self._nth("SELECT at FROM auth.login_attempts WHERE account_key = %s AND outcome = 'failure' "
                         "AND at > GREATEST(%s, COALESCE((SELECT max(at) FROM auth.login_attempts "
                         "WHERE account_key = %s AND outcome = 'success'), 0)) "
                         "ORDER BY at DESC OFFSET %s LIMIT 1", (account_key, since, account_key, n - 1))

    def nth_newest_ip_failure(self, ip: str, since: float, n: int) -> float | None:
        return self._nth("SELECT at FROM auth.login_attempts WHERE ip = %s AND outcome = 'failure' "
                         "AND at > %s ORDER BY at DESC OFFSET %s LIMIT 1", (ip, since, n - 1))

    def count(self, account_key: str | None = None, ip: str | None = None) -> dict[str, int]:
        """Attempts by outcome, for one account or IP (operators and tests)."""
        column, value = ("account_key", account_key) if account_key is not None else ("ip", ip)
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(f"SELECT outcome, count(*) AS n FROM auth.login_attempts WHERE {column} = %s "
                           "GROUP BY outcome", (value,))
            return {row["outcome"]: row["n"] for row in cursor.fetchall()}

    def _nth(self, sql: str, params: tuple[object, ...]) -> float | None:
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return None if row is None else float(row["at"])
