"""/notes/{appointment_id}/patient-summary and /letters: documents drawn from the note (D48)."""

from __future__ import annotations

from aiohttp import web
from aiohttp_apigami import docs, request_schema

from medisync.application.queries.rows import NoteDocumentRow
from medisync.interface.http import presenters as present
from medisync.interface.http.concurrency import etag
from medisync.interface.http.context import Ctx
from medisync.interface.http.envelope import success
from medisync.interface.http.schemas import (LetterCreateSchema, NoteDocumentEditSchema,
                                             NoteDocumentSendSchema)

routes = web.RouteTableDef()
SUMMARY = "/api/v1/notes/{appointment_id}/patient-summary"
LETTERS = "/api/v1/notes/{appointment_id}/letters"
DRAWN = ("Drawn only from the note's current version (the signed one unless amended since); "
         "`note_version` and `note_signed` say which. ")


def _shown(ctx: Ctx, row: NoteDocumentRow, status: int = 200) -> web.Response:
    ctx.accessed(f"note_{row['kind']}", row["id"], row["patient_id"])
    return success(present.note_document(row), status, headers=etag(row.get("version")))


async def _by_id(ctx: Ctx, appointment_id: str, document_id: str, status: int = 200) -> web.Response:
    return _shown(ctx, await ctx.read(ctx.container.queries["note_documents"].get, appointment_id, document_id), status)


@routes.post(SUMMARY)
@docs(tags=["patient documents"], summary="Write a plain-language summary for the patient",
      description=DRAWN + "Answers `{id, text, reading_grade}` (Flesch-Kincaid grade; the writer aims "
                          "at 8 or below): what was found, what to take and how, warning signs, when "
                          "to come back.")
async def create_summary(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    result = await ctx.command(ctx.container.note_documents.summarize, appointment_id)
    return await _by_id(ctx, appointment_id, result.id, 201)


@routes.get(SUMMARY)
@docs(tags=["patient documents"], summary="The latest patient summary of the visit")
async def get_summary(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    return _shown(ctx, await ctx.read(ctx.container.queries["note_documents"].latest_summary,
                                      ctx.path_id("appointment_id")))


@routes.patch(SUMMARY)
@docs(tags=["patient documents"], summary="Edit the latest patient summary (its grade is recomputed)")
@request_schema(NoteDocumentEditSchema)
async def edit_summary(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    body = await ctx.body(NoteDocumentEditSchema())
    latest = await ctx.read(ctx.container.queries["note_documents"].latest_summary, appointment_id)
    document_id = str(latest["id"])
    ctx.expect(document_id)
    await ctx.command(ctx.container.note_documents.edit, appointment_id, document_id, body["text"])
    return await _by_id(ctx, appointment_id, document_id)


@routes.post(SUMMARY + "/send")
@docs(tags=["patient documents"], summary="Record that the latest patient summary was handed over")
@request_schema(NoteDocumentSendSchema)
async def send_summary(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    body = await ctx.body(NoteDocumentSendSchema())
    latest = await ctx.read(ctx.container.queries["note_documents"].latest_summary, appointment_id)
    await ctx.command(ctx.container.note_documents.send, appointment_id, str(latest["id"]), body["channel"])
    return await _by_id(ctx, appointment_id, str(latest["id"]))


@routes.post(LETTERS)
@docs(tags=["patient documents"], summary="Write a letter from the note: referral, work note or letter to the GP",
      description=DRAWN + "Answers `{id, kind, text}`; the letter restates the note and adds nothing clinical.")
@request_schema(LetterCreateSchema)
async def create_letter(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    body = await ctx.body(LetterCreateSchema())
    result = await ctx.command(ctx.container.note_documents.write_letter, appointment_id, body["kind"],
                               body["recipient"])
    return await _by_id(ctx, appointment_id, result.id, 201)


@routes.get(LETTERS)
@docs(tags=["patient documents"], summary="The visit's letters, oldest first")
async def list_letters(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    rows = await ctx.read(ctx.container.queries["note_documents"].letters, ctx.path_id("appointment_id"))
    ctx.accessed_rows("note_letter", rows)
    return success([present.note_document(row) for row in rows])


@routes.patch(LETTERS + "/{letter_id}")
@docs(tags=["patient documents"], summary="Edit a letter before it is sent")
@request_schema(NoteDocumentEditSchema)
async def edit_letter(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id, letter_id = ctx.path_id("appointment_id"), ctx.path_id("letter_id")
    body = await ctx.body(NoteDocumentEditSchema())
    ctx.expect(letter_id)
    await ctx.command(ctx.container.note_documents.edit, appointment_id, letter_id, body["text"])
    return await _by_id(ctx, appointment_id, letter_id)


@routes.post(LETTERS + "/{letter_id}/send")
@docs(tags=["patient documents"], summary="Record that a letter was sent (print, portal, email, fax, post)")
@request_schema(NoteDocumentSendSchema)
async def send_letter(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id, letter_id = ctx.path_id("appointment_id"), ctx.path_id("letter_id")
    body = await ctx.body(NoteDocumentSendSchema())
    await ctx.command(ctx.container.note_documents.send, appointment_id, letter_id, body["channel"])
    return await _by_id(ctx, appointment_id, letter_id)
