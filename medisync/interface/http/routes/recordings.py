"""/recordings: visit audio, and /transcriptions: what the ML worker made of it."""

from __future__ import annotations

from aiohttp import web
from aiohttp_apigami import docs, querystring_schema

from medisync.application.delete_recordings import DeleteRecordings
from medisync.application.upload_recording import UploadRecording
from medisync.interface.http import presenters as present
from medisync.interface.http.context import Ctx
from medisync.interface.http.envelope import paginated, success
from medisync.interface.http.idempotency import claim_upload
from medisync.interface.http.openapi import upload_body
from medisync.interface.http.schemas import PageQuerySchema, RecordingDeleteSchema
from medisync.interface.http.uploads import check_audio, receive

routes = web.RouteTableDef()


@routes.post("/api/v1/recordings/{appointment_id}")
@docs(tags=["recordings"], summary="Upload a visit's audio (multipart, field 'file')",
      description="Starts the appointment if it had not started (D42). Refused with 409 `note_signed` once "
                  "the visit's note is signed (amend the note instead), and with 400 under 1 s of audio. "
                  "Another upload before signing is a re-take: its draft replaces the previous one.")
@upload_body("the visit's audio (WAV, MP3, OGG, FLAC, MP4/M4A, WebM or AAC, judged by its content; "
             "at least 1 s)")
async def upload_recording(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    upload = await receive(request, ctx.container.blobs, ctx.container.settings.max_audio_bytes)
    await claim_upload(request, upload)
    audio = await check_audio(upload)
    command = UploadRecording(appointment_id, upload.staged, audio.content_type, audio.duration_s)
    result = await ctx.command(ctx.container.commands.upload_recording, command)
    return success(present.recording(await ctx.run(ctx.container.reads.get_recording, result.id)), 201)


@routes.get("/api/v1/recordings")
@docs(tags=["recordings"], summary="List recordings")
@querystring_schema(PageQuerySchema)
async def list_recordings(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    query = ctx.query(PageQuerySchema())
    rows, total = await ctx.read(ctx.container.queries["recordings"].list, ctx.container.page(query))
    ctx.accessed_rows("recording", rows)
    return paginated([present.recording(r) for r in rows], total, query["page"], query["per_page"])


@routes.get("/api/v1/recordings/{appointment_id}")
@docs(tags=["recordings"], summary="Get an appointment's recordings")
async def appointment_recordings(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    rows = await ctx.read(ctx.container.queries["recordings"].for_appointment, ctx.path_id("appointment_id"))
    ctx.accessed_rows("recording", rows, action="read")
    return success([present.recording(r) for r in rows])


@routes.delete("/api/v1/recordings/{appointment_id}")
@docs(tags=["recordings"], summary="Delete an appointment's recordings and their audio")
async def delete_recordings(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    appointment_id = ctx.path_id("appointment_id")
    reason = (ctx.query(RecordingDeleteSchema()) or {}).get("reason", "")
    await ctx.command(ctx.container.commands.delete_recordings, DeleteRecordings(appointment_id, reason))
    return web.Response(status=204)


@routes.get("/api/v1/recordings/{appointment_id}/audio")
@docs(tags=["recordings"], summary="Stream the latest recording's audio", produces=["audio/*"])
async def recording_audio(request: web.Request) -> web.StreamResponse:
    ctx = Ctx(request)
    row = await ctx.read(ctx.container.queries["recordings"].latest_audio, ctx.path_id("appointment_id"))
    ctx.accessed("recording_audio", row["id"], row["patient_id"], "download")
    return ctx.stored_file(row)


@routes.get("/api/v1/transcriptions/{appointment_id}")
@docs(tags=["transcriptions"], summary="The speaker-attributed transcript (404 until one exists)")
async def get_transcription(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    row = await ctx.read(ctx.container.queries["recordings"].transcription, ctx.path_id("appointment_id"))
    ctx.accessed("transcript", row["id"], row["patient_id"])
    return success(present.transcription(row))
