"""Run the API process: the embedded default also runs projections and the ML worker."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
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
        # Commands and queries run in threads; the default pool (cores + 4) is
        # too small to keep 2 cores busy while threads wait on Postgres.
        executor = ThreadPoolExecutor(max_workers=settings.worker_threads, thread_name_prefix="medisync")
        asyncio.get_running_loop().set_default_executor(executor)
        yield
        container.close()
        executor.shutdown(wait=False)

    # First in, last out: the container (pools, followers) and the thread pool
    # must outlive every other cleanup, e.g. the access log's final flush.
    app.cleanup_ctx.insert(0, lifecycle)
    return app


def serve(settings: Settings, host: str, port: int) -> None:
    """``reuse_port`` (SO_REUSEPORT) lets N processes share one port; the kernel
    spreads connections. Run projections once, in `medisync project`, then."""
    app = create_app(settings)
    print(f"MediSync API on http://{host}:{port}/api/v1  (Swagger UI: http://{host}:{port}/api/docs)",
          flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log=None,
                reuse_port=settings.reuse_port or None)
