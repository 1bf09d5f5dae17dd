"""The response envelopes every endpoint answers with."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from aiohttp import web


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(payload: Any) -> str:
    return json.dumps(payload, default=_default, separators=(",", ":"))


def success(data: Any, status: int = 200, meta: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> web.Response:
    body = {"success": True, "data": data, "meta": meta or {}}
    return web.json_response(body, status=status, dumps=dumps, headers=headers)


def paginated(items: list[Any], total: int, page: int, per_page: int) -> web.Response:
    pagination = {"page": page, "per_page": per_page, "total": total,
                  "total_pages": math.ceil(total / per_page) if total else 0}
    return success(items, meta={"pagination": pagination})


def failure(status: int, code: str, message: str, request_id: str,
            details: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> web.Response:
    body = {"success": False,
            "error": {"code": code, "message": message, "details": details or {}},
            "request_id": request_id}
    return web.json_response(body, status=status, dumps=dumps, headers=headers)
