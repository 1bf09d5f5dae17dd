"""/patients: registration, demographics, history and insurance."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp_apigami import docs, querystring_schema, request_schema

from medisync.interface.http import presenters as present
from medisync.interface.http.concurrency import tagged
from medisync.interface.http.context import Ctx
from medisync.interface.http.envelope import paginated, success
from medisync.interface.http.schemas import (HistoryCreateSchema, HistoryUpdateSchema,
                                             InsuranceCreateSchema, InsuranceUpdateSchema,
                                             PatientCreateSchema, PatientSearchSchema,
                                             PatientDeleteSchema, PatientUpdateSchema)

routes = web.RouteTableDef()


def _isoformat_dates(data: dict[str, Any]) -> dict[str, Any]:
    """Dates travel in events as ISO strings (no transcoder needed, stable on the wire)."""
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}


async def _patient(ctx: Ctx, patient_id: str) -> dict[str, Any]:
    return present.patient(await ctx.read(ctx.container.queries["patients"].get, patient_id))


@routes.post("/api/v1/patients")
@docs(tags=["patients"], summary="Register a patient")
@request_schema(PatientCreateSchema)
async def create_patient(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    body = _isoformat_dates(await ctx.body(PatientCreateSchema()))
    result = await ctx.command(ctx.container.patients.register, body)
    return tagged(await _patient(ctx, result.id), 201)


@routes.get("/api/v1/patients")
@docs(tags=["patients"], summary="List patients; search by name or MRN")
@querystring_schema(PatientSearchSchema)
async def list_patients(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    query = ctx.query(PatientSearchSchema())
    rows, total = await ctx.read(ctx.container.queries["patients"].search, query.get("search"),
                                 ctx.container.page(query))
    ctx.accessed_rows("patient", rows, "id", "search" if query.get("search") else "list")
    return paginated([present.patient(r) for r in rows], total, query["page"], query["per_page"])


@routes.get("/api/v1/patients/{patient_id}")
@docs(tags=["patients"], summary="Get a patient")
async def get_patient(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    return tagged(await _patient(ctx, ctx.path_id("patient_id")))


@routes.patch("/api/v1/patients/{patient_id}")
@docs(tags=["patients"], summary="Update demographics")
@request_schema(PatientUpdateSchema)
async def update_patient(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    patient_id = ctx.path_id("patient_id")
    body = _isoformat_dates(await ctx.body(PatientUpdateSchema()))
    ctx.expect(patient_id)
    await ctx.command(ctx.container.patients.update_demographics, patient_id, body)
    return tagged(await _patient(ctx, patient_id))


@routes.delete("/api/v1/patients/{patient_id}")
@docs(tags=["patients"], summary="Archive a patient, or erase them (?erase=true&reason=...) (admin)")
@querystring_schema(PatientDeleteSchema)
async def delete_patient(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    query = ctx.query(PatientDeleteSchema())
    ctx.expect(ctx.path_id("patient_id"))
    if query["erase"]:
        await ctx.command(ctx.container.erasure.erase, ctx.path_id("patient_id"), query.get("reason", ""))
    else:
        await ctx.command(ctx.container.patients.archive, ctx.path_id("patient_id"))
    return web.Response(status=204)


@routes.post("/api/v1/patients/{patient_id}/history")
@docs(tags=["patients"], summary="Add a medical-history entry")
@request_schema(HistoryCreateSchema)
async def add_history(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    patient_id = ctx.path_id("patient_id")
    body = _isoformat_dates(await ctx.body(HistoryCreateSchema()))
    ctx.expect(patient_id)
    result = await ctx.command(ctx.container.patients.add_history_entry, patient_id, body.pop("kind"), body)
    return success(await _history_entry(ctx, patient_id, result.id), 201)


@routes.get("/api/v1/patients/{patient_id}/history")
@docs(tags=["patients"], summary="List medical history")
async def list_history(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    rows = await ctx.read(ctx.container.queries["patients"].history, ctx.path_id("patient_id"))
    return success([present.history_entry(r) for r in rows])


@routes.patch("/api/v1/patients/{patient_id}/history/{entry_id}")
@docs(tags=["patients"], summary="Update or resolve a medical-history entry")
@request_schema(HistoryUpdateSchema)
async def update_history(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    patient_id, entry_id = ctx.path_id("patient_id"), ctx.path_id("entry_id")
    body = _isoformat_dates(await ctx.body(HistoryUpdateSchema()))
    resolve_now = body.pop("status", None) == "resolved"
    resolved = body.pop("resolved_date", None) or (_today() if resolve_now else None)
    ctx.expect(patient_id)
    await ctx.command(ctx.container.patients.update_history_entry, patient_id, entry_id, body, resolved)
    return success(await _history_entry(ctx, patient_id, entry_id))


@routes.post("/api/v1/patients/{patient_id}/insurance")
@docs(tags=["patients"], summary="Add an insurance policy")
@request_schema(InsuranceCreateSchema)
async def add_insurance(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    patient_id = ctx.path_id("patient_id")
    body = _isoformat_dates(await ctx.body(InsuranceCreateSchema()))
    ctx.expect(patient_id)
    result = await ctx.command(ctx.container.patients.add_insurance, patient_id, body, body.pop("primary"))
    return success(await _policy(ctx, patient_id, result.id), 201)


@routes.patch("/api/v1/patients/{patient_id}/insurance/{policy_id}")
@docs(tags=["patients"], summary="Update an insurance policy")
@request_schema(InsuranceUpdateSchema)
async def update_insurance(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    patient_id, policy_id = ctx.path_id("patient_id"), ctx.path_id("policy_id")
    body = _isoformat_dates(await ctx.body(InsuranceUpdateSchema()))
    ctx.expect(patient_id)
    await ctx.command(ctx.container.patients.update_insurance, patient_id, policy_id, body, body.pop("primary", None))
    return success(await _policy(ctx, patient_id, policy_id))


@routes.delete("/api/v1/patients/{patient_id}/insurance/{policy_id}")
@docs(tags=["patients"], summary="Remove an insurance policy")
async def remove_insurance(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    ctx.expect(ctx.path_id("patient_id"))
    await ctx.command(ctx.container.patients.remove_insurance, ctx.path_id("patient_id"), ctx.path_id("policy_id"))
    return web.Response(status=204)


async def _history_entry(ctx: Ctx, patient_id: str, entry_id: str) -> dict[str, Any]:
    rows = await ctx.read(ctx.container.queries["patients"].history, patient_id)
    return next(present.history_entry(r) for r in rows if str(r["id"]) == entry_id)


async def _policy(ctx: Ctx, patient_id: str, policy_id: str) -> dict[str, Any]:
    rows = await ctx.read(ctx.container.queries["patients"].insurance, patient_id)
    return next(present.insurance(r) for r in rows if str(r["id"]) == policy_id)


def _today() -> str:
    from datetime import date

    return date.today().isoformat()
