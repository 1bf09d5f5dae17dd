"""The hot GETs' orjson envelope is byte for byte the stdlib's, headers included (D66)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from medisync.interface.http import presenters as present
from medisync.interface.http.concurrency import tagged
from medisync.interface.http.envelope import paginated, success


def _appointment_row(n: int, reason: str | None, tz: Any) -> dict[str, Any]:
    at = datetime(2030, 1, 1, 9, 0, tzinfo=tz) + timedelta(hours=n, microseconds=n * 7)
    return {"id": uuid.uuid4(), "practice_id": uuid.uuid4(), "patient_id": uuid.uuid4(), "doctor_id": uuid.uuid4(),
            "start_at": at, "duration_minutes": 30 + n, "type": "follow_up", "reason": reason,
            "status": "scheduled", "cancel_reason": None, "created_at": at, "updated_at": at, "version": n}


REASONS = [None, "", "Headache for 3 days", 'quote " and \\ back\\slash\n\ttab', "Kopfschmerzen – seit 3 Tagen",
           "发烧 🤒", "\x00\x1f\x7f", "</script>"]
ZONES = [timezone.utc, ZoneInfo("Etc/UTC"), ZoneInfo("Europe/Berlin"), timezone(timedelta(hours=-3, minutes=-30))]


def _same(slow: Any, fast: Any) -> None:
    assert fast.body == slow.body
    assert (fast.status, dict(fast.headers)) == (slow.status, dict(slow.headers))


@pytest.mark.parametrize("reason", REASONS)
@pytest.mark.parametrize("tz", ZONES, ids=str)
def test_one_appointment_and_a_page_render_to_the_same_bytes(reason: str | None, tz: Any) -> None:
    rows = [present.appointment(_appointment_row(n, reason, tz)) for n in range(5)]
    _same(tagged(rows[0]), tagged(rows[0], fast=True))
    _same(tagged(rows[0], 201), tagged(rows[0], 201, fast=True))
    _same(paginated(rows, 41, 3, 5), paginated(rows, 41, 3, 5, fast=True))
    _same(paginated([], 0, 1, 20), paginated([], 0, 1, 20, fast=True))


def test_other_plain_values_render_to_the_same_bytes() -> None:
    data = {"naive": datetime(2030, 1, 1, 9, 0, 0, 5), "day": date(2030, 1, 2), "amount": Decimal("1.50"),
            "flags": [True, False, None], "nested": {"k": [1, -2, 2**62]}, "id": uuid.UUID(int=5)}
    _same(success(data, headers={"ETag": '"3"'}), success(data, headers={"ETag": '"3"'}, fast=True))
