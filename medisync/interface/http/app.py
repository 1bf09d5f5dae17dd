"""The aiohttp application factory."""

from __future__ import annotations

from aiohttp import web
from aiohttp_apigami import setup_aiohttp_apispec

from medisync.interface.http.keys import CONTAINER, RATE_LIMITER
from medisync.interface.http.middleware import (auth_middleware, envelope_middleware,
                                                rate_limit_middleware)
from medisync.interface.http.rate_limits import RateLimiter
from medisync.interface.http.routes import (appointments, auth, documents, notes, patients,
                                            recordings, service, users)

ROUTE_TABLES = (auth.routes, users.routes, patients.routes, appointments.routes,
                recordings.routes, notes.routes, documents.routes, service.routes)


def init_app(container: object) -> web.Application:
    settings = container.settings  # type: ignore[attr-defined]
    app = web.Application(
        middlewares=[envelope_middleware, auth_middleware, rate_limit_middleware],
        client_max_size=max(settings.max_audio_bytes, settings.max_document_bytes) + 1024 * 1024)
    app[CONTAINER] = container
    app[RATE_LIMITER] = RateLimiter(
        settings.rate_limit_storage, settings.rate_limit_standard, settings.rate_limit_premium,
        settings.rate_limit_anonymous, settings.upload_limit_standard, settings.upload_limit_premium)
    for table in ROUTE_TABLES:
        app.add_routes(table)
    setup_aiohttp_apispec(
        app, title="MediSync API", version="v1", url="/api/v1/openapi.json",
        swagger_path="/api/docs", openapi_version="3.0.2",
        components={"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        security=[{"bearerAuth": []}])
    return app
