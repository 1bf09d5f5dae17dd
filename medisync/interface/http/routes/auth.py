"""/auth: register, login, refresh, logout, me, password."""

from __future__ import annotations

from aiohttp import web
from aiohttp_apigami import docs, request_schema

from medisync.application.register_and_login import RegisterAndLogin
from medisync.interface.http import presenters as present
from medisync.interface.http.concurrency import etag
from medisync.interface.http.context import Ctx
from medisync.interface.http.envelope import success
from medisync.interface.http.middleware import public
from medisync.interface.http.keys import AUTH_CACHE, CLAIMS, REQUEST_ID
from medisync.interface.http.schemas import (LoginSchema, LogoutSchema, PasswordChangeSchema,
                                             RefreshSchema, RegisterSchema)

routes = web.RouteTableDef()


def _tokens(tokens: object) -> dict[str, object]:
    return {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token,  # type: ignore[attr-defined]
            "token_type": "Bearer", "expires_in": tokens.expires_in}  # type: ignore[attr-defined]


@routes.post("/api/v1/auth/register")
@docs(tags=["auth"], summary="Register into a new practice (as its admin) or an invited one",
      description="Give `practice_name` to create a practice and become its first admin, or "
                  "`invitation_token` (from an admin's `POST /users/invitations`, for this email) to join "
                  "a practice in the invited role. Answers the user and a first pair of tokens.")
@request_schema(RegisterSchema)
@public
async def register(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    body = await ctx.body(RegisterSchema())
    command = RegisterAndLogin(**body, request_id=request[REQUEST_ID])
    result = await ctx.public_command(ctx.container.commands.register_and_login, command)
    return success({"user": present.user(result.user), **_tokens(result.tokens)}, 201)


@routes.post("/api/v1/auth/login")
@docs(tags=["auth"], summary="Exchange email and password for tokens")
@request_schema(LoginSchema)
@public
async def login(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    body = await ctx.body(LoginSchema())
    tokens = await ctx.run(ctx.container.identity.login, body["email"], body["password"], request.remote or "")
    return success(_tokens(tokens))


@routes.post("/api/v1/auth/refresh")
@docs(tags=["auth"], summary="Rotate a refresh token; reuse revokes its family")
@request_schema(RefreshSchema)
@public
async def refresh(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    body = await ctx.body(RefreshSchema())
    return success(_tokens(await ctx.run(ctx.container.identity.refresh, body["refresh_token"])))


@routes.post("/api/v1/auth/logout")
@docs(tags=["auth"], summary="Revoke the access token and its refresh-token family",
      responses={204: {"description": "Done (no content)"}})
@request_schema(LogoutSchema)
async def logout(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    body = await ctx.body(LogoutSchema()) if request.can_read_body else {}
    await ctx.run(ctx.container.identity.logout, request[CLAIMS], body.get("refresh_token"))
    if AUTH_CACHE in request.app:  # refused here at once, elsewhere when the NOTIFY arrives (D53)
        request.app[AUTH_CACHE].revoke(request[CLAIMS]["jti"], float(request[CLAIMS]["exp"]))
    return web.Response(status=204)


@routes.get("/api/v1/auth/me")
@docs(tags=["auth"], summary="The caller: who the access token belongs to")
async def me(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    row = await ctx.read(ctx.container.queries["users"].me)
    return success(present.user(row), headers=etag(row.get("version")))


@routes.post("/api/v1/auth/password")
@docs(tags=["auth"], summary="Change the caller's password", responses={204: {"description": "Done (no content)"}})
@request_schema(PasswordChangeSchema)
async def change_password(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    body = await ctx.body(PasswordChangeSchema())
    await ctx.command(ctx.container.identity.change_password, body["current_password"], body["new_password"])
    return web.Response(status=204)
