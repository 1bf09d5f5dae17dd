"""/audit: the event log, aggregate history and point-in-time state, the PHI
access log, the export, and the signed checkpoints (admin and auditor only)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp_apigami import docs, querystring_schema
from marshmallow import Schema, fields, validate

from medisync.interface.http.context import Ctx
from medisync.interface.http.envelope import paginated, success
from medisync.interface.http.keys import REQUEST_ID
from medisync.interface.http.schemas import PageQuerySchema, when

routes = web.RouteTableDef()
CONTENT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


class EventFilterSchema(Schema):
    aggregate_id = fields.UUID()
    aggregate_type = fields.String(validate=validate.Length(min=1, max=64))
    actor = fields.String(validate=validate.Length(min=1, max=64))
    event_type = fields.String(validate=validate.Length(min=1, max=128))
    since = when(description="From")
    until = when(description="Until")


class AuditEventsSchema(PageQuerySchema, EventFilterSchema):
    pass


class AuditExportSchema(EventFilterSchema):
    format = fields.String(load_default="jsonl", validate=validate.OneOf(tuple(CONTENT_TYPES)))


class AuditStateSchema(Schema):
    as_of = when(required=True, description="The state as it was at")


class AuditAccessSchema(PageQuerySchema):
    patient_id = fields.UUID()
    user_id = fields.String(validate=validate.Length(min=1, max=64))
    resource_type = fields.String(validate=validate.Length(min=1, max=64))
    since = when(description="From")
    until = when(description="Until")


def _filters(query: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in query.items() if k not in ("page", "per_page", "format")}


@routes.get("/api/v1/audit/events")
@docs(tags=["audit"], summary="The practice's events, newest first (filters: aggregate, type, actor, time)")
@querystring_schema(AuditEventsSchema)
async def audit_events(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    query = ctx.query(AuditEventsSchema())
    rows, total = await ctx.read(ctx.container.audit.service.events, _filters(query), ctx.container.page(query))
    return paginated(rows, total, query["page"], query["per_page"])


@routes.get("/api/v1/audit/aggregates/{aggregate_id}/history")
@docs(tags=["audit"], summary="Every event of an aggregate: actor, time, request id, fields changed")
async def aggregate_history(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    history = await ctx.read(ctx.container.audit.service.history, ctx.path_id("aggregate_id"))
    ctx.accessed("aggregate_history", history["aggregate_id"], history["patient_id"])
    return success(history)


@routes.get("/api/v1/audit/aggregates/{aggregate_id}/state")
@docs(tags=["audit"], summary="The aggregate replayed up to ?as_of=<ISO 8601>")
@querystring_schema(AuditStateSchema)
async def aggregate_state(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    as_of = ctx.query(AuditStateSchema())["as_of"]
    state = await ctx.read(ctx.container.audit.service.state_as_of, ctx.path_id("aggregate_id"), as_of)
    ctx.accessed("aggregate_state", state["aggregate_id"], state["patient_id"])
    return success(state)


@routes.get("/api/v1/audit/access")
@docs(tags=["audit"], summary="The PHI access log: who read a patient's data (?patient_id=)")
@querystring_schema(AuditAccessSchema)
async def access_log(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    query = ctx.query(AuditAccessSchema())
    rows, total = await ctx.read(ctx.container.audit.service.access, _filters(query), ctx.container.page(query))
    return paginated(rows, total, query["page"], query["per_page"])


@routes.get("/api/v1/audit/export")
@docs(tags=["audit"], summary="The practice's events, oldest first, streamed as JSON Lines or CSV (?format=)",
      produces=list(CONTENT_TYPES.values()))
@querystring_schema(AuditExportSchema)
async def export(request: web.Request) -> web.StreamResponse:
    ctx = Ctx(request)
    query = ctx.query(AuditExportSchema())
    chunks = ctx.container.audit.service.export(ctx.principal, _filters(query), query["format"])
    chunk = await ctx.run(next, chunks, None)  # the role check runs here, before anything is sent
    response = web.StreamResponse(headers={
        "Content-Type": CONTENT_TYPES[query["format"]], "X-Request-ID": request[REQUEST_ID],
        "Content-Disposition": f'attachment; filename="medisync-audit.{query["format"]}"'})
    await response.prepare(request)
    while chunk is not None:
        await response.write(chunk)
        chunk = await ctx.run(next, chunks, None)
    await response.write_eof()
    return response


@routes.get("/api/v1/audit/checkpoints")
@docs(tags=["audit"], summary="Signed hash-chain checkpoints and the Ed25519 public key to check them")
async def checkpoints(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    return success(await ctx.read(ctx.container.audit.service.checkpoints))
