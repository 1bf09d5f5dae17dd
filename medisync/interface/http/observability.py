"""Observability of the HTTP API: the request log, request metrics and ``GET /metrics``.

- ``observability_middleware`` (outermost) writes one JSON line per request
  — request id, method, route template, status, duration, user id — and
  feeds the request counter and latency histogram. It never logs the path,
  the query string, headers or bodies: those may carry PHI (search terms,
  names); the route template and ids chosen by us do not.
- ``setup_metrics`` mounts ``GET /metrics`` (Prometheus text format) outside
  ``/api/v1``, so the API's bearer auth does not apply; it is switched by
  ``MEDISYNC_METRICS_ENABLED`` and, when ``MEDISYNC_METRICS_TOKEN`` is set,
  needs ``Authorization: Bearer <that token>``.
- ``configure_logging`` makes every log record of the process a JSON line.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import sys
import time
import traceback
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable

from aiohttp import web

from medisync.adapters import metrics
from medisync.interface.http.keys import CONTAINER, PRINCIPAL, REQUEST_ID

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

access_log = logging.getLogger("medisync.access")
METRICS_PATH = "/metrics"
UNMATCHED = "<unmatched>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
STATE_REGISTRY: web.AppKey[Any] = web.AppKey("metrics_state_registry", object)


def route_template(request: web.Request) -> str:
    """The matched route's template (``/api/v1/patients/{patient_id}``), never the raw path."""
    try:
        resource = request.match_info.route.resource
    except Exception:  # noqa: BLE001 - no match info yet
        return UNMATCHED
    if resource is None:
        return UNMATCHED
    return resource.canonical


@web.middleware
async def observability_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    start = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as error:
        status = error.status
        raise
    except asyncio.CancelledError:
        status = 499  # the client went away
        raise
    finally:
        elapsed = time.perf_counter() - start
        route = route_template(request)
        method = request.method if request.method in _METHODS else "OTHER"
        metrics.observe_request(route, method, status, elapsed)
        principal = request.get(PRINCIPAL)
        if access_log.isEnabledFor(logging.INFO):
            access_log.info("request", extra={
                "request_id": request.get(REQUEST_ID), "method": method, "route": route,
                "status": status, "duration_ms": round(elapsed * 1000, 2),
                "user_id": principal.user_id if principal is not None else None})


# --- GET /metrics --------------------------------------------------------------------------

def setup_metrics(app: web.Application, container: Any) -> None:
    """Mount ``GET /metrics`` if enabled, with the container's scrape-time sources."""
    settings = container.settings
    if not getattr(settings, "metrics_enabled", True):
        return
    app[STATE_REGISTRY] = metrics.state_registry(metrics.StateCollector(state_sources(container)))
    app.router.add_get(METRICS_PATH, metrics_handler)


def state_sources(container: Any) -> dict[str, Callable[..., Any]]:
    app = container.app
    views_store = next(iter(container.views.values())).datastore
    settings = container.settings
    if settings.kafka_bootstrap:
        from medisync.adapters.kafka.ml_consumer import GROUP, TOPIC

        group_lag = metrics.KafkaGroupLag(settings.kafka_bootstrap, GROUP, TOPIC)

        def queue_depth() -> tuple[str, int]:
            return "kafka_consumer_group_lag", group_lag()
    else:
        def queue_depth() -> tuple[str, int]:
            return "pending_recordings", metrics.pending_recordings(views_store)

    def pools() -> dict[str, Any]:
        return {"eventstore": app.recorder.datastore.pool, "views": views_store.pool}

    return {
        "head": lambda: app.recorder.max_notification_id() or 0,
        "positions": container._positions,
        "committed_at": lambda notification_id: metrics.committed_at(app, notification_id),
        "relay_position": lambda: metrics.relay_position(views_store, app.name),
        "queue_depth": queue_depth,
        "recordings_by_status": lambda: metrics.recordings_by_status(views_store),
        "pools": pools,
        "row_cache": lambda: row_cache_reads(container),
        "stalls": container.stalls.listing if container.stalls is not None else list,
    }


def row_cache_reads(container: Any) -> tuple[int, int] | None:
    """(hits, misses) of the appointment row cache (D78); None when it is off."""
    cache = container.appointment_row_cache()
    return None if cache is None else (cache.hits, cache.misses)


async def metrics_handler(request: web.Request) -> web.Response:
    token = request.app[CONTAINER].settings.metrics_token
    if token:
        given = request.headers.get("Authorization", "").partition(" ")[2].strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return web.Response(status=401, text="metrics token required\n",
                                headers={"WWW-Authenticate": "Bearer"})
    state = request.app[STATE_REGISTRY]
    body = await asyncio.get_running_loop().run_in_executor(None, metrics.render, metrics.REGISTRY, state)
    return web.Response(body=body, headers={"Content-Type": metrics.CONTENT_TYPE})


# --- JSON logs ----------------------------------------------------------------------------

REQUEST_FIELDS = ("request_id", "method", "route", "status", "duration_ms", "user_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per line.

    Exceptions are logged as their type and stack frames only: an exception's
    message can quote data (a database error's failing row, say), which may be
    PHI, so it is left out.
    """

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        for key in REQUEST_FIELDS:
            if hasattr(record, key):
                doc[key] = getattr(record, key)
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, trace = record.exc_info
            doc["exc_type"] = kind.__name__
            doc["stack"] = "".join(traceback.format_tb(trace))
        return json.dumps(doc, default=str, separators=(",", ":"))


class TextFormatter(logging.Formatter):
    """Plain text (``MEDISYNC_LOG_FORMAT=text``), with the JSON lines' rule for exceptions: their type and
    stack frames, never their message (a database error's DETAIL quotes the failing row)."""

    def __init__(self) -> None:
        super().__init__("%(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.exc_text = None  # another handler's formatting would carry the message
        return super().format(record)

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's name
        kind, _value, trace = ei
        return "Traceback (message withheld):\n" + "".join(traceback.format_tb(trace)) + (kind.__name__ if kind else "")


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Root logging for every ``medisync`` process: JSON lines (or plain text) on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt.lower() == "json" else TextFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
