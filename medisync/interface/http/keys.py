"""Typed application keys."""

from __future__ import annotations

from typing import Any

from aiohttp import web

CONTAINER: web.AppKey[Any] = web.AppKey("container", object)
RATE_LIMITER: web.AppKey[Any] = web.AppKey("rate_limiter", object)
