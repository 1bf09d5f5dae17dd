"""D70: the access log's canonical record bytes did not change when their rendering got faster.

``reference`` is ``access_record`` as it was written for D32 (commit e2ce802): every link hash
already in a database was computed from these bytes, so they must never change.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from enum import IntEnum
from typing import Any, Mapping

from medisync.application.audit.chain import ACCESS_FIELDS, access_record, utc_text


def reference(row: Mapping[str, Any]) -> bytes:
    values = []
    for name in ACCESS_FIELDS:
        value = row.get(name)
        if isinstance(value, datetime):
            value = value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        elif value is not None and not isinstance(value, (int, str)):
            value = str(value)
        values.append(value)
    return json.dumps(values, separators=(",", ":"), ensure_ascii=True).encode()


class Status(IntEnum):
    OK = 200


class Text(str):
    pass


def test_the_same_bytes_for_every_kind_of_value() -> None:
    at = datetime(2026, 12, 5, 20, 31, 25, 123456, tzinfo=timezone.utc)
    rows = [
        {"seq": 1, "at": at, "user_id": "u", "practice_id": str(uuid.uuid4()), "role": "doctor",
         "action": "read", "resource_type": "appointment", "resource_id": str(uuid.uuid4()),
         "patient_id": None, "method": "GET", "route": "/api/v1/appointments/get/{appointment_id}",
         "status": 200, "client_ip": "127.0.0.1", "user_agent": "Zoë/1.0 \u2603 \x7f\"\\", "request_id": None},
        {"seq": 2, "at": at.astimezone(timezone(timedelta(hours=5, minutes=30))), "practice_id": uuid.uuid4(),
         "patient_id": uuid.uuid4(), "status": Status.OK, "role": Text("nurse"), "user_agent": ""},
        {"seq": True, "at": datetime(2026, 1, 1, 0, 0, 0, 0, tzinfo=timezone.utc), "status": 404.0},
        {"at": datetime(2026, 1, 1, 12, 0, 0)},  # naive: taken as local time, as before
        {},
    ]
    for row in rows:
        assert access_record(row) == reference(row), row


def test_the_time_of_one_instant_is_one_text_in_any_zone() -> None:
    at = datetime(2026, 12, 5, 20, 31, 25, 7, tzinfo=timezone.utc)
    elsewhere = at.astimezone(timezone(timedelta(hours=-3)))
    assert utc_text(at) == utc_text(elsewhere) == "2026-12-05T20:31:25.000007Z"
