"""/users: the practice admin's staff management."""

from __future__ import annotations

from aiohttp import web
from aiohttp_apigami import docs, querystring_schema, request_schema

from medisync.interface.http import presenters as present
from medisync.interface.http.context import Ctx
from medisync.interface.http.envelope import paginated, success
from medisync.interface.http.schemas import InvitationSchema, PageQuerySchema, UserUpdateSchema

routes = web.RouteTableDef()


@routes.post("/api/v1/users/invitations")
@docs(tags=["users"], summary="Invite a user into the caller's practice (admin)",
      description="Answers `invitation_token`. Give it to the invitee, who sends it with the invited "
                  "email, a password and their full name to `POST /auth/register` (no token needed) to "
                  "join the practice in the invited role and tier.",
      responses={201: {"description": "The invitation. `data.invitation_token` goes, with the invited email, "
                                      "a password and a full name, to `POST /auth/register`.",
                       "content": {"application/json": {
                           "schema": {"$ref": "#/components/schemas/SuccessEnvelope"}}}}})
@request_schema(InvitationSchema)
async def invite(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    body = await ctx.body(InvitationSchema())
    token, _ = await ctx.run(ctx.container.identity.invite, ctx.principal, body["email"], body["role"], body["tier"])
    return success({"invitation_token": token, "email": body["email"], "role": body["role"],
                    "tier": body["tier"]}, 201)


@routes.get("/api/v1/users")
@docs(tags=["users"], summary="List the practice's users (admin)")
@querystring_schema(PageQuerySchema)
async def list_users(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    query = ctx.query(PageQuerySchema())
    rows, total = await ctx.read(ctx.container.queries["users"].list, ctx.container.page(query))
    return paginated([present.user(r) for r in rows], total, query["page"], query["per_page"])


@routes.patch("/api/v1/users/{user_id}")
@docs(tags=["users"], summary="Change a user's role or tier, or deactivate them (admin)")
@request_schema(UserUpdateSchema)
async def update_user(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    body = await ctx.body(UserUpdateSchema())
    user_id = ctx.path_id("user_id")
    ctx.expect(user_id)
    await ctx.command(ctx.container.identity.update_user, user_id, body.get("role"), body.get("tier"),
                      body.get("active"))
    return success(present.user(await ctx.read(ctx.container.queries["users"].get, user_id)))
