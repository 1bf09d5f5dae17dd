"""The PHI access log's writer on the API's event loop (D70).

A batch of the HTTP access-log batcher (D32) is one statement in autocommit, so
one round trip with its ``COMMIT``: it moves the chain head from the one this
writer last wrote to the batch's last row (a compare-and-swap on ``position``
and ``link_hash``) and inserts the rows only if the head was still there. The
rows and their hash links are ``audit_store.chain_access``'s, as in
``PostgresAuditStore.append_access``. When the head has moved (another API
process wrote) or is not known yet, the batch is written the locking way: in a
transaction that reads the head ``FOR UPDATE`` first. ``append_access`` returns
only once the batch is committed; any error closes the connection (the next
batch opens a new one) and propagates, so the batcher keeps the entries and
retries.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from psycopg import AsyncConnection
from psycopg.conninfo import make_conninfo

from medisync.adapters.postgres.audit_store import ACCESS_COLUMNS, ACCESS_HEAD_FOR_UPDATE, chain_access, json_text
from medisync.adapters.postgres.connection import connection_params

_TYPES = {"seq": "bigint", "at": "timestamptz", "practice_id": "uuid", "patient_id": "uuid", "status": "integer"}
# The rows travel as one JSON array of arrays (the times as ISO text with their microseconds):
# one parameter to send instead of one typed array per column, which cost more than the hashing.
SWAP = ("WITH head AS (UPDATE audit.chain_heads SET position = %s, link_hash = %s "
        "WHERE chain = 'access_log' AND position = %s AND link_hash = %s RETURNING 1) "
        f"INSERT INTO audit.access_log ({', '.join(ACCESS_COLUMNS)}) SELECT "
        + ", ".join(f"(r->>{i})::{_TYPES.get(column, 'text')}" for i, column in enumerate(ACCESS_COLUMNS))
        + " FROM json_array_elements(%s::json) AS r WHERE EXISTS (SELECT 1 FROM head)")


class AsyncAccessLogWriter:
    def __init__(self, url: str) -> None:
        self.conninfo = make_conninfo(**connection_params(url), connect_timeout="10")
        self._conn: AsyncConnection[Any] | None = None
        self._head: tuple[int, str] | None = None  # (position, link hash) as this writer left it

    async def append_access(self, entries: Sequence[Mapping[str, Any]]) -> int:
        """Append entries (in order), each linked to the one before; returns the last seq."""
        conn = self._conn or await self._connect()
        try:
            if self._head is not None and await self._swap(conn, entries, *self._head):
                return self._head[0]
            async with conn.transaction():  # the head moved, or is not known yet: lock it
                head = await (await conn.execute(ACCESS_HEAD_FOR_UPDATE)).fetchone()
                if head is None or not await self._swap(conn, entries, int(head[0]), head[1]):
                    raise RuntimeError("the access log's chain head could not be moved")
            assert self._head is not None
            return self._head[0]
        except BaseException:
            await self.close()
            raise

    async def _swap(self, conn: AsyncConnection[Any], entries: Sequence[Mapping[str, Any]], position: int,
                    prev: str) -> bool:
        """Insert the rows after (position, prev) if that is still the head; whether it was."""
        rows, seq, last = chain_access(entries, position, prev)
        if not rows:
            self._head = (position, prev)
            return True
        cursor = await conn.execute(SWAP, [seq, last, position, prev, json.dumps(rows, default=json_text)])
        if cursor.rowcount != len(rows):
            self._head = None
            return False
        self._head = (seq, last)
        return True

    async def _connect(self) -> AsyncConnection[Any]:
        self._conn = await AsyncConnection.connect(self.conninfo, autocommit=True)
        return self._conn

    async def close(self) -> None:
        conn, self._conn, self._head = self._conn, None, None
        if conn is not None:
            await conn.close()
