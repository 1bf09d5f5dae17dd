"""The response envelopes every endpoint answers with."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import orjson
from aiohttp import web


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(payload: Any) -> str:
    return json.dumps(payload, default=_default, separators=(",", ":"))


def encoded(payload: Any) -> bytes:
    """``dumps(payload)``'s exact bytes, rendered by orjson (20x faster on a page of rows; D66).

    For the hot GETs' rows (strings, ints, bools, None, UUIDs, datetimes) orjson writes what the
    stdlib writes, except that it leaves non-ASCII text and DEL unescaped: then the stdlib renders
    it. Floats are not for this path (``1e16`` vs ``1e+16``): callers pass float-free payloads.
    """
    body = orjson.dumps(payload, default=_default)
    return body if body.isascii() and b"\x7f" not in body else dumps(payload).encode()


def success(data: Any, status: int = 200, meta: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None, fast: bool = False) -> web.Response:
    """The envelope; ``fast``: rendered by ``encoded`` (same bytes, same headers)."""
    body = {"success": True, "data": data, "meta": meta or {}}
    if fast:
        return web.Response(body=encoded(body), status=status, headers=headers, content_type="application/json",
                            charset="utf-8")
    return web.json_response(body, status=status, dumps=dumps, headers=headers)


def paginated(items: list[Any], total: int, page: int, per_page: int, fast: bool = False) -> web.Response:
    pagination = {"page": page, "per_page": per_page, "total": total,
                  "total_pages": math.ceil(total / per_page) if total else 0}
    return success(items, meta={"pagination": pagination}, fast=fast)


def failure(status: int, code: str, message: str, request_id: str,
            details: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> web.Response:
    body = {"success": False,
            "error": {"code": code, "message": message, "details": details or {}},
            "request_id": request_id}
    return web.json_response(body, status=status, dumps=dumps, headers=headers)
