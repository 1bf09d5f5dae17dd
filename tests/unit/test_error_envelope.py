"""An unexpected exception becomes a 500 error envelope that leaks nothing.

No product endpoint fails on purpose, so this mounts MediSync's real
envelope middleware on a real aiohttp server with one route that raises,
and calls it over HTTP.
"""

from __future__ import annotations

import logging

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from medisync.interface.http.middleware import envelope_middleware

SECRET = "Quixotella Zyxwvuts DOB 1931-07-19"


async def _explodes(request: web.Request) -> web.Response:
    raise RuntimeError(f"unexpected failure while handling {SECRET}")


@pytest.fixture
async def client(aiohttp_client: object) -> TestClient:
    app = web.Application(middlewares=[envelope_middleware])
    app.router.add_get("/api/v1/explode", _explodes)
    return await aiohttp_client(app)  # type: ignore[operator]


async def test_500_is_an_envelope_without_internals(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    response = await client.get("/api/v1/explode", headers={"X-Request-ID": "req-12345678"})
    assert response.status == 500
    body = await response.json()
    assert body == {"success": False, "request_id": "req-12345678",
                    "error": {"code": "internal_error", "message": "an internal error occurred",
                              "details": {}}}
    text = await response.text()
    assert SECRET not in text and "Traceback" not in text and "RuntimeError" not in text
    assert "RuntimeError" in caplog.text  # operators still learn what failed, and where
    assert SECRET not in caplog.text  # but never the message, which may carry PHI
