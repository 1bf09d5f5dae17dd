"""Run the API process: the embedded default also runs projections and the ML worker."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AsyncIterator

from aiohttp import web
from eventsourcing.utils import get_topic

from medisync.adapters.blobs import BlobStorageError
from medisync.domain.practice import Practice
from medisync.interface.bootstrap import bootstrap
from medisync.interface.http.app import init_app
from medisync.interface.http.keys import CONTAINER
from medisync.interface.processes import start_background_work
from medisync.interface.settings import Settings

log = logging.getLogger("medisync")


def create_app(settings: Settings) -> web.Application:
    container = bootstrap(settings)  # every part: the API runs them all
    sweep_staging(container)
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


def sweep_staging(container: Any) -> None:
    """Uploads a killed process left half-spooled are PHI that no record will ever name:
    delete them before serving (D60). Counts only in the log, never names."""
    try:
        swept = container.blobs.sweep_staging()
    except BlobStorageError:
        log.warning("staging sweep: blob storage is unavailable; `medisync audit verify` lists what is left")
        return
    if swept.files:
        log.info("staging sweep: removed %d spooled upload(s), %d bytes, left by %d stopped process(es)",
                 swept.files, swept.size, swept.owners)


FIRST_ADMIN = """No admin exists yet. Create the first one with:
  {command} create-admin --email you@clinic.org --password 'a-long-passphrase-1' \\
      --full-name 'Your Name' --practice 'Your Clinic'
  (or POST /api/v1/auth/register with practice_name)"""


def _command() -> str:
    """How the user can call us again: `medisync` if it is on the PATH, else the path they ran."""
    ran = sys.argv[0]
    if os.path.basename(ran) != "medisync" or shutil.which("medisync") == os.path.abspath(ran):
        return "medisync"
    return os.path.relpath(ran)


def has_admin(container: Any) -> bool:
    """Whether a practice, and so its first admin, was ever registered: asked of the event store,
    not of the read models, which may not have caught up yet (`create-admin` runs no projections)."""
    registered = container.app.recorder.select_notifications(
        start=None, limit=1, topics=[get_topic(Practice.Registered)])
    return bool(registered)


def serve(settings: Settings, host: str, port: int) -> None:
    """``reuse_port`` (SO_REUSEPORT) lets N processes share one port; the kernel
    spreads connections. Run projections once, in `medisync project`, then."""
    app = create_app(settings)
    print(f"MediSync API on http://{host}:{port}/api/v1  (Swagger UI: http://{host}:{port}/api/docs)",
          flush=True)
    if not has_admin(app[CONTAINER]):
        print(FIRST_ADMIN.format(command=_command()), flush=True)
    web.run_app(app, host=host, port=port, print=None, access_log=None,
                reuse_port=settings.reuse_port or None)
