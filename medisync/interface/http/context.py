"""Per-request helpers that keep handlers to a few lines.

Synchronous work (the event store, the read models) runs in a thread pool
so the event loop never blocks; read-your-writes waits hold no thread (D52).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import uuid
from functools import partial
from typing import Any, Callable, Concatenate, ParamSpec, Protocol, TypeVar, cast

import marshmallow
from aiohttp import web

from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.errors import NotFoundError
from medisync.interface.http.access_log import record_access
from medisync.interface.http.concurrency import guarded
from medisync.interface.http.consistency import collecting, handling, passed, requested_token, served_by
from medisync.interface.http.errors import Accepted, ApiError
from medisync.interface.http.keys import AUTH_CACHE, CONSISTENCY_TOKEN, CONTAINER, PRINCIPAL

T = TypeVar("T")
P = ParamSpec("P")


class Committed(Protocol):
    """What a command answers: the id it acted on and the notification id of its last event."""

    @property
    def id(self) -> str: ...

    @property
    def notification_id(self) -> int | None: ...


C = TypeVar("C", bound=Committed)


def existing_id(raw: str, what: str) -> str:
    """Our ids are UUIDs: anything else names nothing, so it is 404 (``what`` not found)."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise NotFoundError(f"{what} not found") from None


def parse_json(raw: bytes) -> Any:
    """The body's JSON; a refusal says where it broke (line and column), never echoing the body."""
    try:
        return json.loads(raw.decode("utf-8") if raw else "{}")
    except UnicodeDecodeError as error:
        raise ApiError(400, f"the body is not UTF-8 text (byte {error.start + 1})", code="validation_error",
                       details={"position": error.start + 1}) from None
    except json.JSONDecodeError as error:
        raise ApiError(400, f"the body is not valid JSON: {error.msg} at line {error.lineno}, column "
                       f"{error.colno}", code="validation_error",
                       details={"line": error.lineno, "column": error.colno}) from None
    except ValueError:  # e.g. a number too long to convert
        raise ApiError(400, "the body is not valid JSON", code="validation_error") from None


class Ctx:
    def __init__(self, request: web.Request) -> None:
        self.request = request
        self.container = request.app[CONTAINER]
        self.if_match_on: str | None = None

    @property
    def principal(self) -> Principal:
        return self.request[PRINCIPAL]

    def path_id(self, name: str, what: str | None = None) -> str:
        """A path id; anything that is not a UUID cannot exist, so it is 404."""
        return existing_id(self.request.match_info[name], what or name.removesuffix("_id"))

    async def body(self, schema: marshmallow.Schema) -> dict[str, Any]:
        limit = self.container.settings.max_json_bytes
        if self.request.content_length and self.request.content_length > limit:
            raise ApiError(413, f"JSON body larger than {limit} bytes")
        if self.request.content_type != "application/json":
            if not self.request.body_exists:  # no body at all: the schema says what was needed
                return schema.load({})
            raise ApiError(415, "send application/json")
        raw = await self.request.read()
        if len(raw) > limit:
            raise ApiError(413, f"JSON body larger than {limit} bytes")
        document = parse_json(raw)
        if not isinstance(document, dict):
            raise ApiError(400, "the body must be a JSON object", code="validation_error")
        return schema.load(document)

    def query(self, schema: marshmallow.Schema) -> dict[str, Any]:
        raw = dict(self.request.query)
        # Postgres text cannot hold NUL; no parameter of ours may contain one (400, not 500).
        nul = {name: ["Must not contain NUL characters."] for name, value in raw.items() if "\x00" in value}
        if nul:
            raise marshmallow.ValidationError(nul)
        return schema.load(raw)

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, partial(function, *args, **kwargs))

    async def read(self, function: Callable[..., T], *args: Any) -> T:
        """A query on behalf of the caller, once its view has passed the caller's token (D52)."""
        await self.consistent_with_token(function)
        if inspect.iscoroutinefunction(function):  # an async read port: on the event loop (D66)
            return cast(T, await function(self.principal, *args))
        return await self.run(function, self.principal, *args)

    async def consistent_with_token(self, function: Any) -> None:
        """With ``X-Consistency-Token``: wait until the views ``function`` reads have passed it."""
        token = requested_token(self.request)
        if token is not None and not await passed(self.container, served_by(self.container, function), token):
            raise ApiError(503, "the read model has not reached this consistency token yet: retry",
                           code="read_model_behind")

    def accessed(self, resource_type: str, resource_id: Any, patient_id: Any = None,
                 action: str = "read") -> None:
        """Record, for the PHI access log, that this request returned patient data (ids only)."""
        record_access(self.request, resource_type, resource_id, patient_id, action)

    def accessed_rows(self, resource_type: str, rows: list[dict[str, Any]],
                      patient_key: str = "patient_id", action: str = "list") -> None:
        for row in rows:
            record_access(self.request, resource_type, row.get("id"), row.get(patient_key), action)

    def stored_file(self, row: dict[str, Any]) -> web.FileResponse:
        """A recording's or document's bytes: a download, never rendered or sniffed."""
        headers = {"Content-Type": row["content_type"], "Content-Disposition": "attachment",
                   "X-Content-Type-Options": "nosniff"}
        return web.FileResponse(self.container.blobs.path(row["blob_key"]), headers=headers)

    def expect(self, aggregate_id: str) -> None:
        """Honour the request's If-Match on this aggregate in the next command (412 if stale)."""
        self.if_match_on = aggregate_id

    async def command(self, function: Callable[Concatenate[Principal, P], CommandResult], *args: P.args,
                      **kwargs: P.kwargs) -> CommandResult:
        """Run a command, then wait (bounded) until the read models show it."""
        if self.if_match_on is not None:
            function = guarded(self.request, self.if_match_on, function)
        result, events = await self._committed(function, self.principal, *args, **kwargs)
        if not await self._shown(result, events):
            raise Accepted(result.id)  # recorded, but the read models lag: 202, never a false 404
        return result

    async def public_command(self, function: Callable[P, C], *args: P.args, **kwargs: P.kwargs) -> C:
        """A command without a caller (registration). It answers from what it saved, so a read
        model that lags past the bound delays the answer but does not change it."""
        result, events = await self._committed(function, *args, **kwargs)
        await self._shown(result, events)
        return result

    async def _committed(self, function: Callable[P, C], *args: P.args,
                         **kwargs: P.kwargs) -> tuple[C, tuple[Any, ...]]:
        def committed() -> tuple[C, tuple[Any, ...]]:  # in the worker thread, as a whole
            return collecting(function, *args, **kwargs)

        requested_token(self.request)  # a malformed token is refused before anything is recorded
        result, events = await self.run(committed)
        if result.notification_id is not None:
            self.request[CONSISTENCY_TOKEN] = result.notification_id
        if AUTH_CACHE in self.request.app:  # a changed user is re-read before we answer (D53)
            self.request.app[AUTH_CACHE].saw(events)
        return result, events

    async def _shown(self, result: Committed, events: tuple[Any, ...]) -> bool:
        """Wait for the views that handle the command's events: only they can lag behind it (D52)."""
        return await passed(self.container, handling(type(e) for e in events), result.notification_id)
