"""/documents: files attached to a patient's record."""

from __future__ import annotations

from aiohttp import web
from aiohttp_apigami import docs, querystring_schema

from medisync.application.upload_document import UploadDocument
from medisync.domain.document import DOCUMENT_KINDS
from medisync.interface.http import presenters as present
from medisync.interface.http.concurrency import tagged
from medisync.interface.http.context import Ctx
from medisync.interface.http.envelope import paginated
from medisync.interface.http.idempotency import claim_upload
from medisync.interface.http.openapi import upload_body
from medisync.interface.http.schemas import DocumentFormSchema, DocumentListSchema
from medisync.interface.http.uploads import check_document, load_form, receive

routes = web.RouteTableDef()


@routes.post("/api/v1/documents")
@docs(tags=["documents"], summary="Upload a document (multipart: file, patient_id, kind, title[, appointment_id])")
@upload_body("the document: PDF, PNG, JPEG or plain text, judged by its content (25 MB at most by default)",
             required=("file", "patient_id", "kind", "title"),
             patient_id={"type": "string", "format": "uuid", "description": "the patient it belongs to"},
             appointment_id={"type": "string", "format": "uuid", "description": "the visit it belongs to, if any"},
             kind={"type": "string", "enum": list(DOCUMENT_KINDS)},
             title={"type": "string", "minLength": 1, "maxLength": 200})
async def upload_document(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    upload = await receive(request, ctx.container.blobs, ctx.container.settings.max_document_bytes)
    await claim_upload(request, upload)
    form = load_form(upload, DocumentFormSchema())
    command = UploadDocument(**form, file=upload.staged, content_type=check_document(upload))
    result = await ctx.command(ctx.container.commands.upload_document, command)
    # The command has just checked that the caller may see it: read the row, not the query.
    return tagged(present.document(await ctx.run(ctx.container.reads.get_document, result.id)), 201)


@routes.get("/api/v1/documents")
@docs(tags=["documents"], summary="A patient's documents")
@querystring_schema(DocumentListSchema)
async def list_documents(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    query = ctx.query(DocumentListSchema())
    rows, total = await ctx.read(ctx.container.queries["documents"].list, str(query["patient_id"]),
                                 ctx.container.page(query))
    ctx.accessed_rows("document", rows)
    return paginated([present.document(r) for r in rows], total, query["page"], query["per_page"])


@routes.get("/api/v1/documents/{document_id}")
@docs(tags=["documents"], summary="A document's metadata")
async def get_document(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    row = await ctx.read(ctx.container.queries["documents"].get, ctx.path_id("document_id"))
    ctx.accessed("document", row["id"], row["patient_id"])
    return tagged(present.document(row))


@routes.get("/api/v1/documents/{document_id}/content")
@docs(tags=["documents"], summary="The document's bytes",
      produces=["application/pdf", "image/png", "image/jpeg", "text/plain"])
async def document_content(request: web.Request) -> web.StreamResponse:
    ctx = Ctx(request)
    row = await ctx.read(ctx.container.queries["documents"].get, ctx.path_id("document_id"))
    ctx.accessed("document_content", row["id"], row["patient_id"], "download")
    return ctx.stored_file(row)


@routes.delete("/api/v1/documents/{document_id}")
@docs(tags=["documents"], summary="Delete a document and its file")
async def delete_document(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    ctx.expect(ctx.path_id("document_id"))
    await ctx.command(ctx.container.documents.delete, ctx.path_id("document_id"))
    return web.Response(status=204)
