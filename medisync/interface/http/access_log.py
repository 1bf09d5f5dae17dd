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

No row can be lost (D32): a response that carries patient data is released
only once its access-log rows are committed. Entries go onto an asyncio queue
drained by one background task that writes them, each batch in one
transaction that also extends the access log's hash chain: on the event loop
when the writer is a coroutine (the API's, two round trips a batch, D70), else
in a worker thread of its own. It
is a group commit: while one batch is being written, the entries of every
other request queue up and go together in the next, so the wait is one
transaction, not a flush interval. A server killed after answering cannot
take the rows of what it answered with it. If the log cannot be written
within ``WAIT_S``, the reader gets a 503 instead of the data (the entries
stay queued and are written once the database is back). Entries nobody
waits for (a request the client abandoned) are written with the next batch,
or after ``interval_s`` at the latest. ``close()`` (the app's cleanup
context, after in-flight requests have finished) writes what is left.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, AsyncIterator, Awaitable, Callable

from aiohttp import web

from medisync.interface.http.envelope import failure
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
    if isinstance(value, uuid.UUID):  # a read-model row's: already one
        return str(value)
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
    waiting = _submit(request, response.status)
    if waiting is not None and not await _committed(waiting):
        return failure(503, "access_log_unavailable", "the PHI access log cannot be written now; "
                       "nothing was disclosed, retry later", request.get(REQUEST_ID) or "")
    return response


async def _committed(waiting: "asyncio.Future[None]") -> bool:
    """Whether the request's rows were committed within WAIT_S (D32)."""
    try:
        await asyncio.wait_for(asyncio.shield(waiting), WAIT_S)
        return True
    except Exception:  # noqa: BLE001 - a timeout or a write given up at shutdown
        log.error("PHI access log: a response was withheld, its rows are not written yet")
        return False


def _submit(request: web.Request, status: int) -> "asyncio.Future[None] | None":
    """Queue the request's entries; the returned future is done once they are committed."""
    batcher = request.app.get(ACCESS_LOG)
    principal = request.get(PRINCIPAL)
    if batcher is None or principal is None:
        return None  # unauthenticated requests never reach patient data
    template = route_template(request)
    entries = request.get(ACCESSED) or _fallback(request, template)
    if not entries:
        return None
    common = {
        "at": request[STARTED], "user_id": principal.user_id, "practice_id": principal.practice_id,
        "role": principal.role, "method": request.method, "route": template or "", "status": status,
        "client_ip": request.remote, "user_agent": request.headers.get("User-Agent", "")[:MAX_TEXT],
        "request_id": request.get(REQUEST_ID),
    }
    return batcher.submit([{**common, **entry} for entry in entries])


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
WAIT_S = 10.0


class AccessLogBatcher:
    """An asyncio queue drained by one task that writes batches (group commit): awaited on the
    loop when ``write`` is a coroutine function, else run in a thread of its own."""

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
        # A sync writer gets a thread of its own: readers wait for these writes, so they
        # must not queue behind request work in the shared pool.
        self._awaited = inspect.iscoroutinefunction(write)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="access-log")

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="access-log-batcher")

    def submit(self, entries: list[dict[str, Any]]) -> "asyncio.Future[None] | None":
        """Queue the entries; the future is done once all of them are committed."""
        if not entries:
            return None
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        for entry in entries[:-1]:
            self._queue.put_nowait((entry, None))
        self._queue.put_nowait((entries[-1], done))  # entries are written in order
        return done

    async def close(self) -> None:
        """Write everything submitted so far, then stop."""
        if self._task is None:
            return
        self._closing = True
        self._queue.put_nowait(_STOP)
        await self._task
        self._task = None
        self._thread.shutdown(wait=False)

    async def _run(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = await self._gather(await self._queue.get())
            if batch:
                await self._flush(batch)

    async def _gather(self, item: Any) -> tuple[list[Any], bool]:
        """A batch: everything queued now; if no request waits on it, what comes
        within ``interval_s`` too (up to ``max_batch``). Returns (batch, stop)."""
        loop = asyncio.get_running_loop()
        batch: list[Any] = []
        deadline = loop.time() + self.interval_s
        while True:
            if item is _STOP:
                return batch + self._drain(), True
            batch.append(item)
            if len(batch) >= self.max_batch:
                return batch, False
            if not self._queue.empty():
                item = self._queue.get_nowait()
                continue
            remaining = deadline - loop.time()
            if remaining <= 0 or any(done is not None for _, done in batch):
                return batch, False  # a reader is waiting: write now
            try:
                item = await asyncio.wait_for(self._queue.get(), remaining)
            except asyncio.TimeoutError:
                return batch, False

    def _drain(self) -> list[Any]:
        rest = []
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is not _STOP:
                rest.append(item)
        return rest

    async def _flush(self, batch: list[Any]) -> None:
        for start in range(0, len(batch), self.max_batch):
            chunk = batch[start:start + self.max_batch]
            if not await self._write(chunk, len(batch) - start):
                _settle(batch[start:], ConnectionError("the PHI access log could not be written"))
                return
            _settle(chunk, None)

    async def _write(self, chunk: list[Any], left: int) -> bool:
        loop = asyncio.get_running_loop()
        delay, attempt = 0.2, 0
        entries = [entry for entry, _ in chunk]
        while True:
            attempt += 1
            try:
                if self._awaited:
                    await self.write(entries)
                else:
                    await loop.run_in_executor(self._thread, self.write, entries)
                self.written += len(entries)
                return True
            except Exception:  # noqa: BLE001 - keep the entries and retry
                if self._closing and attempt >= self.close_attempts:
                    log.error("PHI access log: %d entries could not be written at shutdown", left)
                    return False
                log.exception("PHI access log write failed; retrying in %.1fs", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)


def _settle(items: list[Any], error: Exception | None) -> None:
    for _, done in items:
        if done is None or done.done():
            continue
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)
            done.exception()  # whoever waited has given up (503); do not log it as unretrieved


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
            await writer.close()

    app.cleanup_ctx.append(lifecycle)
