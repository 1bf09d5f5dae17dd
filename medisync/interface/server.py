"""Run the API process: the embedded default also runs projections and the ML worker."""

from __future__ import annotations

import logging
from typing import AsyncIterator

from aiohttp import web

from medisync.interface.bootstrap import build_container, start_background_work
from medisync.interface.http.app import init_app
from medisync.interface.settings import Settings

log = logging.getLogger("medisync")


def create_app(settings: Settings) -> web.Application:
    container = build_container(settings)
    start_background_work(container)
    app = init_app(container)

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        yield
        container.close()

    app.cleanup_ctx.append(lifecycle)
    return app


def serve(settings: Settings, host: str, port: int) -> None:
    app = create_app(settings)
    print(f"MediSync API on http://{host}:{port}/api/v1  (Swagger UI: http://{host}:{port}/api/docs)",
          flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
