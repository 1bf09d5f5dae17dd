"""The appointment reads of the hot GETs, on the event loop (D66).

``PostgresQueries`` reads through the event store's sync pool, so a handler
hops to a worker thread for every query. These two reads take an
``AsyncConnectionPool`` of their own instead: no thread, no hop. The SQL is
``PostgresQueries``' own (``queries.py``), so the rows, the access scope's
filter and the page are the same; the connections are configured as the
sync pool's (dict rows, autocommit).
"""

from __future__ import annotations

from typing import cast

from psycopg.conninfo import make_conninfo
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

from medisync.adapters.postgres.connection import connection_params
from medisync.adapters.postgres.queries import (APPOINTMENT_BY_ID, APPOINTMENTS_ORDER, Count, Params,
                                                appointments_sql, count_sql, page_total, paged_sql)
from medisync.application.access import Scope
from medisync.application.queries.reads import AppointmentFilters, Page
from medisync.application.queries.rows import AppointmentRow


class AsyncAppointmentReads:
    """``AsyncAppointmentReads`` (application/queries/reads.py) over Postgres. ``open()`` on the
    loop that will use it (the API's startup), ``close()`` at its cleanup; it can be opened again."""

    def __init__(self, url: str, max_size: int = 8) -> None:
        self.conninfo = make_conninfo(**connection_params(url), connect_timeout="10")
        self.max_size = max_size
        self.pool: AsyncConnectionPool | None = None

    async def open(self) -> None:
        pool = AsyncConnectionPool(self.conninfo, min_size=2, max_size=self.max_size, open=False, timeout=10,
                                   kwargs={"row_factory": dict_row, "autocommit": True})
        await pool.open(wait=True)
        self.pool = pool

    async def close(self) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            await pool.close()

    async def _all(self, sql: str, params: Params) -> list[DictRow]:
        if self.pool is None:
            raise RuntimeError("AsyncAppointmentReads is not open")
        async with self.pool.connection() as conn:
            cursor = await conn.execute(sql, params)
            return cast("list[DictRow]", await cursor.fetchall())

    async def get_appointment(self, appointment_id: str) -> AppointmentRow | None:
        rows = await self._all(APPOINTMENT_BY_ID, [appointment_id])
        return cast(AppointmentRow, rows[0]) if rows else None

    async def list_appointments(self, scope: Scope, doctor_id: str | None, filters: AppointmentFilters,
                                page: Page) -> tuple[list[AppointmentRow], int]:
        sql, params = appointments_sql(scope, doctor_id, filters)
        rows = await self._all(paged_sql(sql, APPOINTMENTS_ORDER), [*params, page.size, page.offset])
        if rows:
            total = page_total(rows)
        else:
            counted = cast("list[Count]", await self._all(count_sql(sql), params))
            total = int(counted[0]["n"]) if counted else 0
        return cast("list[AppointmentRow]", rows), total
