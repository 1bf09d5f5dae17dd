"""Health: liveness and readiness."""

from __future__ import annotations

from aiohttp import web
from aiohttp_apigami import docs

from medisync.interface.http.context import Ctx
from medisync.interface.http.envelope import failure, success
from medisync.interface.http.middleware import public
from medisync.interface.http.keys import REQUEST_ID

routes = web.RouteTableDef()


@routes.get("/api/v1/health")
@docs(tags=["service"], summary="Liveness and readiness: database reachable, projection lag known, "
      "stalled followers named (status degraded, still 200)")
@public
async def health(request: web.Request) -> web.Response:
    ctx = Ctx(request)
    report = await ctx.run(ctx.container.health)
    if report["status"] == "unavailable":
        return failure(503, "not_ready", "the service is not ready", request[REQUEST_ID], report)
    return success(report)
