"""/notes: the SOAP note of an appointment."""

from __future__ import annotations

from aiohttp import web
from aiohttp_apigami import docs, request_schema

from medisync.domain.clinical_note import ClinicalNote
from medisync.interface.http import presenters as present
from medisync.interface.http.concurrency import etag
from medisync.interface.http.context import Ctx
from medisync.interface.http.envelope import success
from medisync.interface.http.schemas import NoteGenerateSchema, NoteWriteSchema

routes = web.RouteTableDef()


async def _note(ctx: Ctx, appointment_id: str, status: int = 200) -> web.Response:
    found = await ctx.read(ctx.container.queries["notes"].get, appointment_id)
    ctx.accessed("note", found["note"]["id"], found["note"]["patient_id"])
    return success(present.note(found), status, headers=etag(found["note"].get("version")))


def _expect_note(ctx: Ctx, appointment_id: str) -> None:
    """If-Match on a note refers to the note aggregate (its id derives from the appointment's)."""
    ctx.expect(str(ClinicalNote.create_id(appointment_id)))


@routes.post("/api/v1/notes/add/{appointment_id}")
@docs(tags=["notes"], summary="Write a new version of the note (201 the first time, 200 after; amends once signed)",
      description=(
          "A partial update: each field sent replaces that part of the current version, and each "
          "field left out keeps it (send `\"\"` to clear a section). An addendum after signing is "
          "`{\"free_text\": \"Addendum: ...\"}`: the result is an `amended` version with the signed "
          "S/O/A/P unchanged. `insights` holds the structured facts the version asserts (what FHIR "
          "exports): send them to confirm or correct the AI draft's; left out, a clinician's or "
          "signed facts are kept and an unsigned AI draft's are dropped. Every version is kept."))
@request_schema(NoteWriteSchema)
async def write_note(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    body = await ctx.body(NoteWriteSchema())
    _expect_note(ctx, appointment_id)
    result = await ctx.command(ctx.container.notes.write, appointment_id, body)
    return await _note(ctx, appointment_id, 201 if result.created else 200)


@routes.get("/api/v1/notes/{appointment_id}")
@docs(tags=["notes"], summary="The current version and every version")
async def get_note(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    return await _note(ctx, ctx.path_id("appointment_id"))


@routes.post("/api/v1/notes/{appointment_id}/sign")
@docs(tags=["notes"], summary="Sign the current version (the appointment's doctor only)")
async def sign_note(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    _expect_note(ctx, appointment_id)
    await ctx.command(ctx.container.notes.sign, appointment_id)
    return await _note(ctx, appointment_id)


@routes.post("/api/v1/notes/{appointment_id}/generate")
@docs(tags=["notes"], summary="Regenerate the AI draft from the transcript")
@request_schema(NoteGenerateSchema)
async def generate_note(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    body = await ctx.body(NoteGenerateSchema()) if request.can_read_body else NoteGenerateSchema().load({})
    _expect_note(ctx, appointment_id)
    await ctx.command(ctx.container.note_drafting.regenerate, appointment_id, body["generator"], body["template"])
    return await _note(ctx, appointment_id)
