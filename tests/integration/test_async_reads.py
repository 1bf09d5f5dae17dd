"""The hot GETs' async reads answer exactly what the sync reads answer, on real Postgres (D66).

``AppointmentQueries.fetch`` / ``page_for_doctor`` (event loop, ``AsyncConnectionPool``) against
``get`` / ``list_for_doctor`` (the sync pool) for every caller: the same rows, with the same
Python types, the same totals and pages, the same 404 for another practice and the same 403.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, AsyncIterator

import psycopg
import pytest

from medisync.adapters.postgres.async_reads import AsyncAppointmentReads
from medisync.adapters.postgres.connection import datastore
from medisync.adapters.postgres.queries import Page, PostgresQueries
from medisync.adapters.postgres.schema import table_ddl
from medisync.application.principal import Principal
from medisync.application.queries.appointments import AppointmentQueries
from medisync.domain.errors import ForbiddenError, NotFoundError
from tests.support.processes import fresh_database

PRACTICE_A, PRACTICE_B = str(uuid.uuid4()), str(uuid.uuid4())
D1, D2, DOCTOR_B = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
CALLERS = {"admin": Principal(str(uuid.uuid4()), PRACTICE_A, "admin", "basic"),
           "nurse": Principal(str(uuid.uuid4()), PRACTICE_A, "nurse", "basic"),
           "d1": Principal(D1, PRACTICE_A, "doctor", "premium"),
           "d2": Principal(D2, PRACTICE_A, "doctor", "basic"),
           "auditor": Principal(str(uuid.uuid4()), PRACTICE_A, "auditor", "basic"),
           "doctor_b": Principal(DOCTOR_B, PRACTICE_B, "doctor", "basic")}
START = datetime(2030, 1, 1, 9, 0, tzinfo=timezone.utc)
# (practice, doctor, status, reason) per appointment, one hour apart; a reason with non-ASCII text.
VISITS = [(PRACTICE_A, D1, "scheduled", "Kopfschmerzen – seit 3 Tagen"), (PRACTICE_A, D1, "completed", None),
          (PRACTICE_A, D2, "scheduled", "follow-up"), (PRACTICE_A, D1, "cancelled", "x"),
          (PRACTICE_B, DOCTOR_B, "scheduled", "other practice")]
IDS = [str(uuid.uuid4()) for _ in VISITS]


@pytest.fixture
async def queries(database_url: str) -> AsyncIterator[AppointmentQueries]:
    url = fresh_database(database_url)
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute("CREATE SCHEMA read")
        for statement in table_ddl("appointments"):
            cursor.execute(statement)
        for n, (appointment_id, (practice, doctor, status, reason)) in enumerate(zip(IDS, VISITS)):
            cursor.execute(
                "INSERT INTO read.appointments VALUES (%s, %s, %s, %s, %s, 30, 'follow_up', %s, %s, NULL, "
                "now(), now(), 1)", (appointment_id, practice, str(uuid.uuid4()), doctor,
                                     START + timedelta(hours=n), reason, status))
    store, live = datastore(url, pool_size=1, max_overflow=1), AsyncAppointmentReads(url, max_size=2)
    await live.open()
    yield AppointmentQueries(PostgresQueries(store), live)
    await live.close()
    store.close()


def _outcome(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except (NotFoundError, ForbiddenError) as refused:
        return type(refused).__name__


async def _awaited(call: Any, *args: Any) -> Any:
    try:
        return await call(*args)
    except (NotFoundError, ForbiddenError) as refused:
        return type(refused).__name__


def _typed(found: Any) -> Any:
    """Rows with each value's type beside it, so a str for a UUID would not pass as equal."""
    if isinstance(found, tuple):
        return [_typed(row) for row in found[0]], found[1]
    if isinstance(found, dict):
        return {key: (value, type(value)) for key, value in found.items()}
    return found


@pytest.mark.parametrize("caller", CALLERS)
async def test_a_single_appointment_is_the_same_row_or_the_same_refusal(queries: AppointmentQueries,
                                                                        caller: str) -> None:
    principal = CALLERS[caller]
    for appointment_id in [*IDS, str(uuid.uuid4())]:
        expected = _outcome(queries.get, principal, appointment_id)
        assert _typed(await _awaited(queries.fetch, principal, appointment_id)) == _typed(expected)
    if caller == "doctor_b":  # another practice's appointment is not found, never forbidden
        assert await _awaited(queries.fetch, principal, IDS[0]) == "NotFoundError"


@pytest.mark.parametrize("caller", CALLERS)
async def test_a_page_is_the_same_rows_and_total(queries: AppointmentQueries, caller: str) -> None:
    principal = CALLERS[caller]
    cases: list[tuple[str | None, dict[str, Any], Page]] = [
        (None, {}, Page(1, 20)), (None, {}, Page(1, 2)), (None, {}, Page(2, 2)), (None, {}, Page(9, 2)),
        (D1, {}, Page(1, 20)), (None, {"status": "scheduled"}, Page(1, 20)),
        (None, {"date_from": START + timedelta(hours=1), "date_to": START + timedelta(hours=3)}, Page(1, 20))]
    for doctor, filters, page in cases:
        expected = _outcome(queries.list_for_doctor, principal, doctor, filters, page)
        found = await _awaited(queries.page_for_doctor, principal, doctor, filters, page)
        assert _typed(found) == _typed(expected), (doctor, filters, page)
