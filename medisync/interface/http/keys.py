"""Typed application keys."""

from __future__ import annotations

from typing import Any

from aiohttp import web

CONTAINER: web.AppKey[Any] = web.AppKey("container", object)
RATE_LIMITER: web.AppKey[Any] = web.AppKey("rate_limiter", object)
AUTH_CACHE: web.AppKey[Any] = web.AppKey("auth_cache", object)  # D53

# Per-request storage.
REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id", str)
PRINCIPAL: web.RequestKey[Any] = web.RequestKey("principal", object)
CLAIMS: web.RequestKey[dict[str, Any]] = web.RequestKey("claims", dict)
RATE_HEADERS: web.RequestKey[dict[str, str]] = web.RequestKey("rate_headers", dict)
CONSISTENCY_TOKEN: web.RequestKey[int] = web.RequestKey("consistency_token", int)  # D52
