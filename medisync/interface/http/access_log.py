"""The PHI access log of the HTTP API.

Handlers that return patient-identifiable data call ``ctx.accessed(...)``
(``record_access``) with the ids of what they returned: resource type and id,
and the patient it belongs to (for appointments, recordings, transcripts,
notes and documents, from the read-model row). ``access_log_middleware`` adds
who (user, practice, role), when, from where (client IP, user agent), the
request id, the route template and the final status, and hands the entries
to ``AccessLogBatcher``.

Routes in ``PHI_ROUTES`` are logged even when the handler recorded nothing
(a 403 or 404, or a handler that forgot): the resource id then comes from
the path. Only ids are logged, never names, search terms or bodies.

The batcher never blocks the read path: entries go onto an asyncio queue and
a background task writes them in batches (every ``interval_s`` or
``max_batch`` entries) in a worker thread, each batch in one transaction that
also extends the access log's hash chain. ``close()`` (the app's cleanup
context, after in-flight requests have finished) writes what is left.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timezone
from typing import Any, AsyncIterator, Awaitable, Callable

from aiohttp import web

from medisync.interface.http.keys import PRINCIPAL, REQUEST_ID

log = logging.getLogger("medisync.audit")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ACCESSED: web.RequestKey[list[dict[str, Any]]] = web.RequestKey("phi_accessed", list)
STARTED: web.RequestKey[datetime] = web.RequestKey("phi_access_started", datetime)

# (method, route template) -> (resource type, path parameter naming the
# resource, whether that id is the patient's own id)
PHI_ROUTES: dict[tuple[str, str], tuple[str, str | None, bool]] = {
    ("GET", "/api/v1/patients"): ("patient", None, False),
    ("GET", "/api/v1/patients/{patient_id}"): ("patient", "patient_id", True),
    ("GET", "/api/v1/patients/{patient_id}/history"): ("patient_history", "patient_id", True),
    ("GET", "/api/v1/appointments/doctors"): ("appointment", None, False),
    ("GET", "/api/v1/appointments/get/{appointment_id}"): ("appointment", "appointment_id", False),
    ("GET", "/api/v1/recordings"): ("recording", None, False),
    ("GET", "/api/v1/recordings/{appointment_id}"): ("recording", "appointment_id", False),
    ("GET", "/api/v1/recordings/{appointment_id}/audio"): ("recording_audio", "appointment_id", False),
    ("GET", "/api/v1/transcriptions/{appointment_id}"): ("transcript", "appointment_id", False),
    ("GET", "/api/v1/notes/{appointment_id}"): ("note", "appointment_id", False),
    ("GET", "/api/v1/documents"): ("document", None, False),
    ("GET", "/api/v1/documents/{document_id}"): ("document", "document_id", False),
    ("GET", "/api/v1/documents/{document_id}/content"): ("document_content", "document_id", False),
    ("GET", "/api/v1/fhir/Patient"): ("fhir.Patient", None, False),
    ("GET", "/api/v1/fhir/Patient/{id}"): ("fhir.Patient", "id", True),
    ("GET", "/api/v1/fhir/Patient/{id}/$everything"): ("fhir.Bundle", "id", True),
    ("GET", "/api/v1/fhir/Appointment/{id}"): ("fhir.Appointment", "id", False),
    ("GET", "/api/v1/fhir/DocumentReference"): ("fhir.DocumentReference", None, False),
    ("GET", "/api/v1/fhir/DocumentReference/{id}"): ("fhir.DocumentReference", "id", False),
    ("GET", "/api/v1/fhir/Binary/{id}"): ("fhir.Binary", "id", False),
    ("GET", "/api/v1/fhir/Composition/{id}"): ("fhir.Composition", "id", False),
    ("GET", "/api/v1/fhir/{type}/{id}"): ("fhir.insight", "id", False),
    ("GET", "/api/v1/audit/events"): ("audit_events", None, False),
    ("GET", "/api/v1/audit/export"): ("audit_export", None, False),
    ("GET", "/api/v1/audit/aggregates/{aggregate_id}/history"): ("aggregate_history", "aggregate_id", False),
    ("GET", "/api/v1/audit/aggregates/{aggregate_id}/state"): ("aggregate_state", "aggregate_id", False),
}
MAX_TEXT = 256


def _uuid_or_none(value: Any) -> str | None:
    try:
        return str(uuid.UUID(str(value))) if value else None
    except ValueError:
        return None


def record_access(request: web.Request, resource_type: str, resource_id: Any,
                  patient_id: Any = None, action: str = "read") -> None:
    entries = request.get(ACCESSED)
    if entries is None:
        entries = request[ACCESSED] = []
    entries.append({"resource_type": resource_type,
                    "resource_id": str(resource_id)[:MAX_TEXT] if resource_id else None,
                    "patient_id": _uuid_or_none(patient_id), "action": action})


def route_template(request: web.Request) -> str | None:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else None


@web.middleware
async def access_log_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[STARTED] = datetime.now(timezone.utc)
    try:
        response = await handler(request)
    except asyncio.CancelledError:
        _submit(request, 499)  # the client went away; what was read may have been sent
        raise
    except BaseException:
        _submit(request, 500)
        raise
    _submit(request, response.status)
    return response


def _submit(request: web.Request, status: int) -> None:
    batcher = request.app.get(ACCESS_LOG)
    principal = request.get(PRINCIPAL)
    if batcher is None or principal is None:
        return  # unauthenticated requests never reach patient data
    template = route_template(request)
    entries = request.get(ACCESSED) or _fallback(request, template)
    if not entries:
        return
    common = {
        "at": request[STARTED], "user_id": principal.user_id, "practice_id": principal.practice_id,
        "role": principal.role, "method": request.method, "route": template or "", "status": status,
        "client_ip": request.remote, "user_agent": request.headers.get("User-Agent", "")[:MAX_TEXT],
        "request_id": request.get(REQUEST_ID),
    }
    batcher.submit([{**common, **entry} for entry in entries])


def _fallback(request: web.Request, template: str | None) -> list[dict[str, Any]]:
    tag = PHI_ROUTES.get((request.method, template or ""))
    if tag is None:
        return []
    resource_type, parameter, is_patient = tag
    resource_id = request.match_info.get(parameter) if parameter else None
    return [{"resource_type": resource_type,
             "resource_id": str(resource_id)[:MAX_TEXT] if resource_id else None,
             "patient_id": _uuid_or_none(resource_id) if is_patient else None,
             "action": "read" if parameter else "list"}]


_STOP = object()


class AccessLogBatcher:
    """An asyncio queue drained by one task that writes batches in a thread."""

    def __init__(self, write: Callable[[list[dict[str, Any]]], Any], interval_s: float = 0.1,
                 max_batch: int = 500, close_attempts: int = 5) -> None:
        self.write = write
        self.interval_s = interval_s
        self.max_batch = max_batch
        self.close_attempts = close_attempts
        self.written = 0
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="access-log-batcher")

    def submit(self, entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            self._queue.put_nowait(entry)

    async def close(self) -> None:
        """Write everything submitted so far, then stop."""
        if self._task is None:
            return
        self._closing = True
        self._queue.put_nowait(_STOP)
        await self._task
        self._task = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        stopping = False
        while not stopping:
            batch: list[dict[str, Any]] = []
            item = await self._queue.get()
            deadline = loop.time() + self.interval_s
            while True:
                if item is _STOP:
                    stopping = True
                    batch += self._drain()
                    break
                batch.append(item)
                remaining = deadline - loop.time()
                if len(batch) >= self.max_batch or remaining <= 0:
                    break
                try:
                    item = await asyncio.wait_for(self._queue.get(), remaining)
                except asyncio.TimeoutError:
                    break
            if batch:
                await self._flush(batch)

    def _drain(self) -> list[dict[str, Any]]:
        rest = []
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is not _STOP:
                rest.append(item)
        return rest

    async def _flush(self, batch: list[dict[str, Any]]) -> None:
        loop = asyncio.get_running_loop()
        delay, attempt = 0.2, 0
        for start in range(0, len(batch), self.max_batch):
            chunk = batch[start:start + self.max_batch]
            while True:
                attempt += 1
                try:
                    await loop.run_in_executor(None, self.write, chunk)
                    self.written += len(chunk)
                    break
                except Exception:  # noqa: BLE001 - keep the entries and retry
                    if self._closing and attempt >= self.close_attempts:
                        log.error("PHI access log: %d entries could not be written at shutdown",
                                  len(batch) - start)
                        return
                    log.exception("PHI access log write failed; retrying in %.1fs", delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 5.0)


ACCESS_LOG: web.AppKey[AccessLogBatcher] = web.AppKey("access_log", AccessLogBatcher)


def setup_access_log(app: web.Application, container: Any) -> None:
    """Install the batcher (started and flushed by a cleanup context)."""
    audit = getattr(container, "audit", None)
    if audit is None:
        return
    writer = audit.access_log_writer()
    batcher = AccessLogBatcher(writer.append_access, getattr(container.settings, "access_log_flush_s", 0.1))
    app[ACCESS_LOG] = batcher

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        batcher.start()
        try:
            yield
        finally:
            await batcher.close()
            writer.close()

    app.cleanup_ctx.append(lifecycle)
