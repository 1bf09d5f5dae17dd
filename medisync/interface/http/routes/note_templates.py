"""/notes/templates: the built-in note templates and the practice's own (D46, D47)."""

from __future__ import annotations

from aiohttp import web
from aiohttp_apigami import docs, request_schema

from medisync.application.queries.rows import TemplateView
from medisync.interface.http import presenters as present
from medisync.interface.http.concurrency import etag
from medisync.interface.http.context import Ctx
from medisync.interface.http.envelope import success
from medisync.interface.http.schemas import (NoteTemplateCreateSchema, NoteTemplateUpdateSchema,
                                             TemplateDefaultSchema)

routes = web.RouteTableDef()
BASE = "/api/v1/notes/templates"


def _template(row: TemplateView, status: int = 200) -> web.Response:
    return success(present.note_template(row), status, headers=etag(row.get("version")))


@routes.get(BASE)
@docs(tags=["note templates"], summary="The built-in templates and the practice's own",
      description="Each: `{id, name, specialty, loinc_code, sections: [{key, title, guidance}], builtin, "
                  "template_version}`. `loinc_code` is the LOINC document type of its notes' FHIR Composition.")
async def list_templates(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    rows = await ctx.read(ctx.container.queries["note_templates"].list)
    return success([present.note_template(row) for row in rows])


@routes.post(BASE)
@docs(tags=["note templates"], summary="Define a practice template (admin)",
      description="Sections in note order, each a title and optional guidance for the generator. "
                  "A section the generator cannot fill from the visit stays empty and is marked so.")
@request_schema(NoteTemplateCreateSchema)
async def create_template(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    body = await ctx.body(NoteTemplateCreateSchema())
    result = await ctx.command(ctx.container.note_templates.define, body)
    return _template(await ctx.read(ctx.container.queries["note_templates"].get, result.id), 201)


@routes.get(BASE + "/defaults")
@docs(tags=["note templates"], summary="The practice's default template and each doctor's",
      description="`{practice, doctors: {doctor_id: template}}`; the ML worker drafts into the doctor's, "
                  "else the practice's, else `soap` (a deleted template is skipped).")
async def get_defaults(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    return success(await ctx.read(ctx.container.queries["note_templates"].defaults))


@routes.put(BASE + "/defaults")
@docs(tags=["note templates"], summary="Choose a default template (admin: practice or any doctor; doctor: own)")
@request_schema(TemplateDefaultSchema)
async def put_default(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    body = await ctx.body(TemplateDefaultSchema())
    doctor_id = str(body["doctor_id"]) if body.get("doctor_id") else None
    await ctx.command(ctx.container.note_templates.choose_default, doctor_id, body["template"])
    return success(await ctx.read(ctx.container.queries["note_templates"].defaults))


@routes.get(BASE + "/{template_id}")
@docs(tags=["note templates"], summary="One template; a practice template with every version")
async def get_template(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    raw = request.match_info["template_id"]
    builtin = raw in ctx.container.note_templates.catalog.builtin_ids()
    template_id = raw if builtin else ctx.path_id("template_id")  # a built-in id, or a UUID
    return _template(await ctx.read(ctx.container.queries["note_templates"].get, template_id))


@routes.patch(BASE + "/{template_id}")
@docs(tags=["note templates"], summary="Change a practice template: a new version (admin)",
      description="Fields sent replace the current version's (`sections` as a whole); earlier versions "
                  "are kept, and notes drafted with them keep naming them.")
@request_schema(NoteTemplateUpdateSchema)
async def update_template(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    template_id = ctx.path_id("template_id")
    body = await ctx.body(NoteTemplateUpdateSchema())
    ctx.expect(template_id)
    await ctx.command(ctx.container.note_templates.revise, template_id, body)
    return _template(await ctx.read(ctx.container.queries["note_templates"].get, template_id))


@routes.delete(BASE + "/{template_id}")
@docs(tags=["note templates"], summary="Delete a practice template (admin); notes drafted with it keep it")
async def delete_template(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    template_id = ctx.path_id("template_id")
    ctx.expect(template_id)
    await ctx.command(ctx.container.note_templates.delete, template_id)
    return web.Response(status=204)
