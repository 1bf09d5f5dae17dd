"""PostgresAuditStore: the audit schema (event chain and index, PHI access log,
signed checkpoints) and every SQL statement the audit use cases need.

``audit.event_chain`` holds one row per stored event, in notification-id
order: ids and metadata only (who, which practice, when, which type), the
link of the hash chain, and small digests that let ``verify`` say how an
altered record differs. ``audit.access_log`` holds one row per read of
patient-identifiable data, ids only. Both are append-only: a trigger refuses
UPDATE, DELETE and TRUNCATE, and ``audit.chain_heads`` remembers each chain's
last position and hash, so rows removed from the end are noticed too.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from operator import itemgetter
from typing import Any, Callable, Iterator, Mapping, Protocol, Sequence, TypedDict, TypeVar, cast

from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import SQL, Composed, Identifier
from psycopg.types.json import Jsonb

from medisync.adapters.postgres.queries import Page
from medisync.application.audit.chain import (GENESIS, access_record, checkpoint_payload,
                                              event_record, fingerprint, link)
from medisync.application.audit.records import (AccessFilters, AccessLogRow, AccessRow, AggregateOwner,
                                                ChainHead, ChainLinkRow, CheckpointRow, EventFilters,
                                                EventIndexRow, EventMeta, NewCheckpoint, StoredEventRow)

Row = TypeVar("Row")
Params = list[object]


class Signer(Protocol):
    key_id: str

    def sign(self, payload: bytes) -> str: ...


SCHEMA_LOCK = 7_316_001  # pg_advisory_xact_lock key for the DDL below

DDL = """
CREATE SCHEMA IF NOT EXISTS audit;
CREATE TABLE IF NOT EXISTS audit.chain_heads (
    chain text PRIMARY KEY, position bigint NOT NULL, link_hash text NOT NULL);
INSERT INTO audit.chain_heads VALUES ('events', 0, '{genesis}'), ('access_log', 0, '{genesis}')
    ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS audit.event_chain (
    notification_id bigint PRIMARY KEY, originator_id uuid NOT NULL,
    originator_version bigint NOT NULL, topic text NOT NULL, aggregate_type text NOT NULL,
    event_type text NOT NULL, practice_id uuid, actor_id text, request_id text,
    occurred_at timestamptz, content_sha256 text NOT NULL, fingerprint jsonb NOT NULL,
    prev_hash text NOT NULL, link_hash text NOT NULL);
CREATE INDEX IF NOT EXISTS event_chain_practice ON audit.event_chain (practice_id, notification_id);
CREATE INDEX IF NOT EXISTS event_chain_originator ON audit.event_chain (originator_id, originator_version);
CREATE TABLE IF NOT EXISTS audit.access_log (
    seq bigint PRIMARY KEY, at timestamptz NOT NULL, user_id text, practice_id uuid, role text,
    action text NOT NULL, resource_type text NOT NULL, resource_id text, patient_id uuid,
    method text NOT NULL, route text NOT NULL, status integer NOT NULL, client_ip text,
    user_agent text, request_id text, prev_hash text NOT NULL, link_hash text NOT NULL);
CREATE INDEX IF NOT EXISTS access_log_patient ON audit.access_log (practice_id, patient_id, seq);
CREATE INDEX IF NOT EXISTS access_log_practice ON audit.access_log (practice_id, seq);
CREATE TABLE IF NOT EXISTS audit.checkpoints (
    id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, payload text NOT NULL,
    signature text NOT NULL, key_id text NOT NULL);
"""
REFUSE_CHANGE = """
CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.% is append-only', TG_TABLE_NAME;
END $$"""
APPEND_ONLY = ("event_chain", "access_log", "checkpoints")

EVENT_COLUMNS = ("notification_id", "originator_id", "originator_version", "topic",
                 "aggregate_type", "event_type", "practice_id", "actor_id", "request_id",
                 "occurred_at", "content_sha256", "fingerprint", "prev_hash", "link_hash")
ACCESS_COLUMNS = ("seq", "at", "user_id", "practice_id", "role", "action", "resource_type",
                  "resource_id", "patient_id", "method", "route", "status", "client_ip",
                  "user_agent", "request_id", "prev_hash", "link_hash")


_NO_VALUES = dict.fromkeys(ACCESS_COLUMNS)  # a field an entry lacks is null
_ACCESS_ROW = itemgetter(*ACCESS_COLUMNS)
ACCESS_HEAD_FOR_UPDATE = "SELECT position, link_hash FROM audit.chain_heads WHERE chain = 'access_log' FOR UPDATE"
ACCESS_HEAD_UPDATE = "UPDATE audit.chain_heads SET position = %s, link_hash = %s WHERE chain = 'access_log'"
ACCESS_INSERT = (f"INSERT INTO audit.access_log ({', '.join(ACCESS_COLUMNS)}) "
                 f"VALUES ({', '.join(['%s'] * len(ACCESS_COLUMNS))})")


def chain_access(entries: Sequence[Mapping[str, Any]], seq: int,
                 prev: str) -> tuple[list[tuple[Any, ...]], int, str]:
    """The access-log rows of ``entries`` after the head (``seq``, ``prev``), each linked to the
    one before: (rows in ``ACCESS_COLUMNS`` order, the new head's seq, its link hash)."""
    rows = []
    for entry in entries:
        seq += 1
        row = {**_NO_VALUES, **entry, "seq": seq, "prev_hash": prev}
        row["link_hash"] = prev = link(prev, access_record(row))
        rows.append(_ACCESS_ROW(row))
    return rows, seq, prev


_EVENT_TYPES = {"notification_id": "bigint", "originator_id": "uuid", "originator_version": "bigint",
                "practice_id": "uuid", "occurred_at": "timestamptz"}
# The event chain's compare-and-swap (D82), as the access log's (D70): the head moves from the one the
# chainer last wrote to the batch's last link, and the rows (one JSON array of arrays) are inserted
# only if it did.
EVENT_SWAP = ("WITH head AS (UPDATE audit.chain_heads SET position = %s, link_hash = %s "
              "WHERE chain = 'events' AND position = %s AND link_hash = %s RETURNING 1) "
              f"INSERT INTO audit.event_chain ({', '.join(EVENT_COLUMNS)}) SELECT "
              + ", ".join("(r->%d)::jsonb" % i if column == "fingerprint"
                          else f"(r->>{i})::{_EVENT_TYPES.get(column, 'text')}"
                          for i, column in enumerate(EVENT_COLUMNS))
              + " FROM json_array_elements(%s::json) AS r WHERE EXISTS (SELECT 1 FROM head)")


def event_links(notifications: Sequence[Notification], position: int, prev: str,
                describe: Callable[[Notification], EventMeta]) -> tuple[list[tuple[Any, ...]], int, str]:
    """The event-chain rows (``EVENT_COLUMNS`` order) of the notifications after the head
    (``position``, ``prev``), each linked to the one before; a notification at or before the head
    is skipped. Returns the rows, the new head's position and its link hash."""
    rows = []
    for notification in notifications:
        if notification.id <= position:
            continue
        record = event_record(notification.id, notification.topic, notification.originator_id,
                              notification.originator_version, notification.state)
        link_hash = link(prev, record)
        meta = describe(notification)
        rows.append((notification.id, notification.originator_id, notification.originator_version,
                     notification.topic, meta["aggregate_type"], meta["event_type"], meta["practice_id"],
                     meta["actor_id"], meta["request_id"], meta["occurred_at"], _sha256(record),
                     fingerprint(notification.state), prev, link_hash))
        position, prev = notification.id, link_hash
    return rows, position, prev


def json_text(value: Any) -> str:
    """``json.dumps``'s default for the swaps' rows: a time as ISO text (its microseconds and
    offset kept); anything else (a UUID) as its text."""
    return value.isoformat() if isinstance(value, datetime) else str(value)


class PostgresAuditStore:
    def __init__(self, datastore: PostgresDatastore, events_table: str = "medisync_events",
                 events_schema: str = "public") -> None:
        self.datastore = datastore
        self.events_table = Identifier(events_schema, events_table)

    def create_tables(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            for statement in DDL.replace("{genesis}", GENESIS).split(";\n"):
                if statement.strip():
                    cursor.execute(statement)
            cursor.execute(REFUSE_CHANGE)
            for table in APPEND_ONLY:
                cursor.execute(SQL("DROP TRIGGER IF EXISTS append_only ON {}").format(
                    Identifier("audit", table)))
                cursor.execute(SQL("CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {} "
                                   "FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()").format(
                    Identifier("audit", table)))
                cursor.execute(SQL("DROP TRIGGER IF EXISTS append_only_truncate ON {}").format(
                    Identifier("audit", table)))
                cursor.execute(SQL("CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON {} "
                                   "FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()").format(
                    Identifier("audit", table)))

    def close(self) -> None:
        self.datastore.close()

    # Heads -------------------------------------------------------------------
    def head(self, chain: str) -> ChainHead | None:
        return self._one(ChainHead, "SELECT position, link_hash FROM audit.chain_heads WHERE chain = %s", chain)

    # The event chain -----------------------------------------------------------
    def extend_event_chain(self, notifications: Sequence[Notification],
                           describe: Callable[[Notification], EventMeta]) -> tuple[int, str]:
        """Chain the notifications that follow the head, in one transaction.

        ``describe(notification)`` gives the index metadata (aggregate_type,
        event_type, practice_id, actor_id, request_id, occurred_at). Safe to
        run from several processes: the head row is locked, and a notification
        at or before the head is skipped.
        """
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT position, link_hash FROM audit.chain_heads WHERE chain = 'events' "
                           "FOR UPDATE")
            head = _row(cursor.fetchone())  # seeded by the DDL
            rows, position, prev = event_links(notifications, int(head["position"]), head["link_hash"], describe)
            if rows:
                cursor.executemany(_insert("audit.event_chain", EVENT_COLUMNS),
                                   [(*r[:-3], Jsonb(r[-3]), *r[-2:]) for r in rows])
                cursor.execute("UPDATE audit.chain_heads SET position = %s, link_hash = %s "
                               "WHERE chain = 'events'", (position, prev))
            return position, prev

    def swap_event_chain(self, notifications: Sequence[Notification], position: int, prev: str,
                         describe: Callable[[Notification], EventMeta]) -> tuple[int, str] | None:
        """Chain ``notifications``, the log's next ones after ``position`` (whose link is ``prev``),
        in one autocommit statement if that is still the head (D82); the new head, or None (and
        nothing written) when another writer had moved it."""
        rows, last, link_hash = event_links(notifications, position, prev, describe)
        if not rows:
            return position, prev
        with self.datastore.get_connection() as conn:
            cursor = conn.execute(EVENT_SWAP, (last, link_hash, position, prev, json.dumps(rows, default=json_text)))
        return (last, link_hash) if cursor.rowcount == len(rows) else None

    def list_events(self, practice_id: str | None, filters: EventFilters, page: Page,
                    newest_first: bool = True) -> tuple[list[EventIndexRow], int]:
        sql, params = self._event_filter(practice_id, filters)
        order = "notification_id DESC" if newest_first else "notification_id"
        rows = self._all(EventIndexRow, f"SELECT *, count(*) OVER () AS _total FROM ({sql}) q ORDER BY {order} "
                         "LIMIT %s OFFSET %s", *params, page.size, page.offset)
        total = _total(rows) if rows else self._count(sql, params)
        return [_without_total(r) for r in rows], total

    def iter_index(self, practice_id: str | None, filters: EventFilters,
                   batch: int = 500) -> Iterator[list[EventIndexRow]]:
        """Index rows oldest first, in batches (keyset pagination)."""
        sql, params = self._event_filter(practice_id, filters)
        after = 0
        while True:
            rows = self._all(EventIndexRow, f"SELECT * FROM ({sql}) q WHERE notification_id > %s "
                             "ORDER BY notification_id LIMIT %s", *params, after, batch)
            if not rows:
                return
            yield rows
            after = rows[-1]["notification_id"]

    def count_index(self, practice_id: str | None, filters: EventFilters) -> int:
        sql, params = self._event_filter(practice_id, filters)
        return self._count(sql, params)

    def _event_filter(self, practice_id: str | None,
                      filters: EventFilters) -> tuple[str, Params]:
        clauses: list[str] = ["TRUE"]
        params: Params = []
        given: Mapping[str, object] = filters
        if practice_id is not None:
            clauses.append("practice_id = %s")
            params.append(practice_id)
        simple = {"aggregate_id": "originator_id = %s", "actor": "actor_id = %s",
                  "since": "occurred_at >= %s", "until": "occurred_at < %s",
                  "aggregate_type": "lower(aggregate_type) = lower(%s)"}
        for key, clause in simple.items():
            if given.get(key) is not None:
                clauses.append(clause)
                params.append(str(given[key]) if key in ("aggregate_id",) else given[key])
        if filters.get("event_type"):
            clauses.append("(lower(event_type) = lower(%s) OR lower(split_part(event_type, '.', 2)) = lower(%s))")
            params += [filters["event_type"], filters["event_type"]]
        return "SELECT * FROM audit.event_chain WHERE " + " AND ".join(clauses), params

    def aggregate_practice(self, aggregate_id: str) -> AggregateOwner | None:
        """The aggregate's type and practice, from its first indexed event."""
        return self._one(AggregateOwner, "SELECT aggregate_type, practice_id FROM audit.event_chain "
                         "WHERE originator_id = %s ORDER BY originator_version LIMIT 1", aggregate_id)

    def stored_events(self, notification_ids: Sequence[int]) -> dict[int, Notification]:
        if not notification_ids:
            return {}
        query = SQL("SELECT * FROM {} WHERE notification_id = ANY(%s)").format(self.events_table)
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(query, (list(notification_ids),))
            return {row["notification_id"]: Notification(
                id=row["notification_id"], originator_id=row["originator_id"],
                originator_version=row["originator_version"], topic=row["topic"],
                state=bytes(row["state"])) for row in cursor.fetchall()}

    def iter_stored(self, batch: int = 2000) -> Iterator[StoredEventRow]:
        """The event store's raw rows, in notification-id order (for verify)."""
        query = SQL("SELECT notification_id, topic, originator_id, originator_version, state FROM {} "
                    "WHERE notification_id > %s ORDER BY notification_id LIMIT %s").format(self.events_table)
        yield from self._keyset(StoredEventRow, query, "notification_id", batch,
                                lambda r: cast(StoredEventRow, {**r, "state": bytes(r["state"])}))

    def iter_chain(self, batch: int = 2000) -> Iterator[ChainLinkRow]:
        query = SQL("SELECT notification_id, topic, originator_id, originator_version, content_sha256, "
                    "fingerprint, prev_hash, link_hash FROM audit.event_chain WHERE notification_id > %s "
                    "ORDER BY notification_id LIMIT %s")
        yield from self._keyset(ChainLinkRow, query, "notification_id", batch, lambda r: r)

    def chain_link_at(self, notification_id: int) -> str | None:
        row = self._one(Link, "SELECT link_hash FROM audit.event_chain WHERE notification_id = %s",
                        notification_id)
        return row["link_hash"] if row else None

    def max_stored_id(self) -> int:
        query = SQL("SELECT max(notification_id) AS n FROM {}").format(self.events_table)
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(query)
            row = cursor.fetchone()
        return int(row["n"] or 0) if row else 0

    # The access log ----------------------------------------------------------
    def append_access(self, entries: Sequence[Mapping[str, Any]]) -> int:
        """Append entries (in order), each linked to the one before; returns the last seq."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(ACCESS_HEAD_FOR_UPDATE)
            head = _row(cursor.fetchone())  # seeded by the DDL
            rows, seq, last = chain_access(entries, int(head["position"]), head["link_hash"])
            if rows:
                cursor.executemany(ACCESS_INSERT, rows)
                cursor.execute(ACCESS_HEAD_UPDATE, (seq, last))
            return seq

    def list_access(self, practice_id: str, filters: AccessFilters,
                    page: Page) -> tuple[list[AccessRow], int]:
        clauses: list[str] = ["practice_id = %s"]
        params: Params = [practice_id]
        given: Mapping[str, object] = filters
        for key, clause in {"patient_id": "patient_id = %s", "user_id": "user_id = %s",
                            "resource_type": "resource_type = %s", "since": "at >= %s",
                            "until": "at < %s"}.items():
            if given.get(key) is not None:
                clauses.append(clause)
                params.append(str(given[key]) if key in ("patient_id", "user_id") else given[key])
        sql = ("SELECT seq, at, user_id, role, action, resource_type, resource_id, patient_id, method, "
               "route, status, client_ip, user_agent, request_id FROM audit.access_log WHERE "
               + " AND ".join(clauses))
        rows = self._all(AccessRow, f"SELECT *, count(*) OVER () AS _total FROM ({sql}) q ORDER BY seq DESC "
                         "LIMIT %s OFFSET %s", *params, page.size, page.offset)
        total = _total(rows) if rows else self._count(sql, params)
        return [_without_total(r) for r in rows], total

    def iter_access(self, batch: int = 5000) -> Iterator[AccessLogRow]:
        query = SQL("SELECT " + ", ".join(ACCESS_COLUMNS) + " FROM audit.access_log WHERE seq > %s "
                    "ORDER BY seq LIMIT %s")
        yield from self._keyset(AccessLogRow, query, "seq", batch, lambda r: r)

    def access_link_at(self, seq: int) -> str | None:
        row = self._one(Link, "SELECT link_hash FROM audit.access_log WHERE seq = %s", seq)
        return row["link_hash"] if row else None

    # Checkpoints ---------------------------------------------------------------
    def add_checkpoint(self, signer: Signer, min_interval_s: float | None = None) -> NewCheckpoint | None:
        """Sign both chain heads as they are now. With ``min_interval_s``, only
        if the last checkpoint is older than that and a head has moved since."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT chain, position, link_hash FROM audit.chain_heads "
                           "ORDER BY chain FOR UPDATE")
            heads = {row["chain"]: row for row in cursor.fetchall()}
            now = datetime.now(timezone.utc)
            payload = checkpoint_payload(heads.get("events"), heads.get("access_log"), now)
            if min_interval_s is not None:
                cursor.execute("SELECT created_at, payload FROM audit.checkpoints ORDER BY id DESC LIMIT 1")
                last = cursor.fetchone()
                if last is not None and (
                        (now - last["created_at"]).total_seconds() < min_interval_s
                        or _heads_of(last["payload"]) == _heads_of(payload.decode())):
                    return None
            cursor.execute("INSERT INTO audit.checkpoints (created_at, payload, signature, key_id) "
                           "VALUES (%s, %s, %s, %s) RETURNING id",
                           (now, payload.decode(), signer.sign(payload), signer.key_id))
            row = _row(cursor.fetchone())  # RETURNING id
        return {"id": row["id"], "payload": payload.decode()}

    def checkpoints(self) -> list[CheckpointRow]:
        return self._all(CheckpointRow,
                         "SELECT id, created_at, payload, signature, key_id FROM audit.checkpoints ORDER BY id")

    # Helpers -------------------------------------------------------------------
    def _keyset(self, kind: type[Row], query: Composed | SQL, key: str, batch: int,
                shape: Callable[[Any], Row]) -> Iterator[Row]:
        """Every row of ``query`` in batches of ``batch`` after the last ``key``, each made by ``shape``
        from the driver's row (a dict of the columns)."""
        after = 0
        while True:
            with self.datastore.get_connection() as conn, conn.cursor() as cursor:
                cursor.execute(query, (after, batch))
                rows = cursor.fetchall()
            for row in rows:
                yield shape(row)
            if len(rows) < batch:
                return
            after = rows[-1][key]

    def _one(self, kind: type[Row], sql: str, *params: object) -> Row | None:
        """The first row (as the driver returns it: a dict of the columns), or None."""
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cast("Row | None", cursor.fetchone())

    def _all(self, kind: type[Row], sql: str, *params: object) -> list[Row]:
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cast("list[Row]", cursor.fetchall())

    def _count(self, sql: str, params: Params) -> int:
        row = self._one(Count, f"SELECT count(*) AS n FROM ({sql}) q", *params)
        return int(row["n"]) if row else 0


def _insert(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Link(TypedDict):
    link_hash: str


class Count(TypedDict):
    n: int


def _total(rows: Sequence[Mapping[str, object]]) -> int:
    """The ``count(*) OVER ()`` a page's first row carries."""
    return int(cast(int, rows[0]["_total"]))


def _row(found: dict[str, Any] | None) -> dict[str, Any]:
    """A row the statement always yields."""
    assert found is not None
    return found


def _without_total(row: Row) -> Row:
    cast("dict[str, object]", row).pop("_total", None)
    return row


def _heads_of(payload: str) -> tuple[object, object]:
    body = json.loads(payload)
    return body["events"], body["access_log"]
