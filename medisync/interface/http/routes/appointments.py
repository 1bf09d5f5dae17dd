"""/appointments: scheduling and the visit lifecycle."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp_apigami import docs, querystring_schema, request_schema

from medisync.interface.http import presenters as present
from medisync.interface.http.concurrency import tagged
from medisync.interface.http.context import Ctx
from medisync.interface.http.envelope import paginated
from medisync.interface.http.schemas import (AppointmentCreateSchema, AppointmentListSchema,
                                             CancelSchema, RescheduleSchema)

routes = web.RouteTableDef()
# Built once: a marshmallow schema costs more to build than to load a query string with (D66).
LIST_QUERY = AppointmentListSchema()


async def _appointment(ctx: Ctx, appointment_id: str) -> dict[str, Any]:
    return present.appointment(await ctx.read(ctx.container.queries["appointments"].get, appointment_id))


@routes.get("/api/v1/appointments/doctors")
@docs(tags=["appointments"], summary="List the calling doctor's appointments (admins/nurses: any doctor)")
@querystring_schema(AppointmentListSchema)
async def list_appointments(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    query = ctx.query(LIST_QUERY)
    doctor = str(query["doctor_id"]) if query.get("doctor_id") else None
    rows, total = await ctx.read(ctx.container.queries["appointments"].page_for_doctor, doctor, query,
                                 ctx.container.page(query))
    ctx.accessed_rows("appointment", rows)
    return paginated([present.appointment(r) for r in rows], total, query["page"], query["per_page"], fast=True)


@routes.post("/api/v1/appointments/add")
@docs(tags=["appointments"], summary="Schedule an appointment (no double booking)")
@request_schema(AppointmentCreateSchema)
async def add_appointment(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    b = await ctx.body(AppointmentCreateSchema())
    result = await ctx.command(ctx.container.appointments.schedule, str(b["patient_id"]), str(b["doctor_id"]),
                               b["start"].isoformat(), b["duration_minutes"], b["type"], b["reason"])
    return tagged(await _appointment(ctx, result.id), 201)


@routes.get("/api/v1/appointments/get/{appointment_id}")
@docs(tags=["appointments"], summary="Get an appointment")
async def get_appointment(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    appointment = present.appointment(await ctx.read(ctx.container.queries["appointments"].fetch, appointment_id))
    ctx.accessed("appointment", appointment["id"], appointment["patient_id"])
    return tagged(appointment, fast=True)  # orjson, same bytes (D66)


@routes.post("/api/v1/appointments/{appointment_id}/reschedule")
@docs(tags=["appointments"], summary="Move an appointment")
@request_schema(RescheduleSchema)
async def reschedule(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    b = await ctx.body(RescheduleSchema())
    ctx.expect(appointment_id)
    await ctx.command(ctx.container.appointments.reschedule, appointment_id, b["start"].isoformat(),
                      b["duration_minutes"])
    return tagged(await _appointment(ctx, appointment_id))


@routes.post("/api/v1/appointments/{appointment_id}/cancel")
@docs(tags=["appointments"], summary="Cancel an appointment, with a reason")
@request_schema(CancelSchema)
async def cancel(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    b = await ctx.body(CancelSchema())
    ctx.expect(appointment_id)
    await ctx.command(ctx.container.appointments.cancel, appointment_id, b["reason"])
    return tagged(await _appointment(ctx, appointment_id))


def _transition(action: str, method: str, summary: str) -> None:
    @routes.post(f"/api/v1/appointments/{{appointment_id}}/{action}")
    @docs(tags=["appointments"], summary=summary)
    async def handler(request: web.Request) -> web.Response:
        ctx = Ctx(request)
        appointment_id = ctx.path_id("appointment_id")
        ctx.expect(appointment_id)
        await ctx.command(getattr(ctx.container.appointments, method), appointment_id)
        return tagged(await _appointment(ctx, appointment_id))
    handler.__name__ = f"appointment_{method}"


_transition("check-in", "check_in", "Check the patient in")
_transition("start", "begin", "Start the visit")
_transition("complete", "complete", "Complete the visit")
_transition("no-show", "mark_no_show", "Mark the patient as a no-show")
