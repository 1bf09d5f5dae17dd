"""The aiohttp application factory."""

from __future__ import annotations

from typing import Any, AsyncIterator, Callable

from aiohttp import web
from aiohttp_apigami import setup_aiohttp_apispec
from aiohttp_apigami.constants import SWAGGER_DICT

from medisync.adapters.postgres.cache_coherence import CacheCoherence, Written
from medisync.interface.http import idempotency
from medisync.interface.http.access_log import access_log_middleware, setup_access_log
from medisync.interface.http.auth_cache import setup_auth_cache, user_changes, users_view_position, view_position
from medisync.interface.http.fhir_io import fhir_format_middleware
from medisync.interface.http.keys import CONTAINER, RATE_LIMITER
from medisync.interface.http.middleware import (auth_middleware, envelope_middleware, is_public_route,
                                                rate_limit_middleware)
from medisync.interface.http.observability import observability_middleware, setup_metrics
from medisync.interface.http.openapi import complete_from_routes, document_consistency
from medisync.interface.http.openapi_links import add_links
from medisync.interface.http.rate_limits import RateLimiter
from medisync.interface.http.schemas import complete_responses
from medisync.interface.http.routes import (appointments, auth, documents, fhir, note_documents,
                                            note_templates, notes, patients, recordings, service, users)
from medisync.interface.http.routes import audit as audit_routes

ROUTE_TABLES = (auth.routes, users.routes, patients.routes, appointments.routes,
                recordings.routes, note_templates.routes, notes.routes, note_documents.routes,
                documents.routes, service.routes, fhir.routes)


def init_app(container: object) -> web.Application:
    settings = container.settings  # type: ignore[attr-defined]
    app = web.Application(
        middlewares=[observability_middleware, access_log_middleware, envelope_middleware, auth_middleware,
                     rate_limit_middleware, fhir_format_middleware, idempotency.idempotency_middleware],
        client_max_size=max(settings.max_audio_bytes, settings.max_document_bytes) + 1024 * 1024)
    app[CONTAINER] = container
    app[RATE_LIMITER] = RateLimiter(
        settings.rate_limit_storage, settings.rate_limit_standard, settings.rate_limit_premium,
        settings.rate_limit_anonymous, settings.upload_limit_standard, settings.upload_limit_premium)
    if getattr(container, "idempotency", None) is not None:  # Idempotency-Key on POST
        idempotency.setup(app, container.idempotency,  # type: ignore[attr-defined]
                          idempotency.secret_from_signing_key(container.tokens.key))  # type: ignore[attr-defined]
    if getattr(container, "views", None):  # role, tier, active and revocations in memory (D53)
        cache = setup_auth_cache(app, container)
        setup_cache_coherence(app, coherence(container, user_changes(cache)))
    for table in ROUTE_TABLES:
        app.add_routes(table)
    app.add_routes(audit_routes.routes)  # /api/v1/audit/...
    setup_access_log(app, container)  # PHI access log: batched writes, flushed on shutdown
    setup_live_reads(app, container)  # the hot GETs' async pool, on this app's loop (D66)
    setup_metrics(app, container)  # GET /metrics, outside /api/v1 (MEDISYNC_METRICS_ENABLED)
    setup_aiohttp_apispec(
        app, title="MediSync API", version="v1", url="/api/v1/openapi.json",
        swagger_path="/api/docs", openapi_version="3.0.2",
        components={"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        security=[{"bearerAuth": []}])
    app.on_startup.append(_complete_openapi)
    return app


def coherence(container: Any, users_changed: Callable[[Written], None]) -> CacheCoherence:
    """One listener for the process's caches: the aggregates (D54), the users (D53) and, when on,
    the appointment rows (D78), from no later than either view's position."""
    rows = container.appointment_row_cache()
    if rows is None:
        return CacheCoherence(container.app, container.database_url, users_view_position(container),
                              users_changed)
    users_at, rows_at = users_view_position(container), view_position(container, "appointments")

    def seen(written: Written) -> None:
        users_changed(written)
        rows.saw(written)

    return CacheCoherence(container.app, container.database_url,
                          lambda: rows.starts_after(min(users_at(), rows_at())), seen, rows.suspend)


def setup_cache_coherence(app: web.Application, coherence: CacheCoherence) -> None:
    """While this process follows every write, its loads trust the aggregate cache (D54)."""

    async def start(_: web.Application) -> None:
        coherence.start()

    async def stop(_: web.Application) -> None:
        coherence.stop()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)


def setup_live_reads(app: web.Application, container: object) -> None:
    """Open the appointment queries' async pool on the app's loop; close it at cleanup."""
    queries = getattr(container, "queries", None) or {}
    live = getattr(queries.get("appointments"), "live", None)
    if live is None:
        return

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        await live.open()
        yield
        await live.close()

    app.cleanup_ctx.append(lifecycle)


async def _complete_openapi(app: web.Application) -> None:
    """Once the spec is built: security, uploads and FHIR from the routes themselves, then every
    operation's responses (the envelopes), then the consistency token and the links (D61)."""
    complete_from_routes(app[SWAGGER_DICT], app, is_public_route)
    complete_responses(app[SWAGGER_DICT])
    document_consistency(app[SWAGGER_DICT], app)
    add_links(app[SWAGGER_DICT])
