"""Start MediSync's own long-running commands (relay, worker, ...) as real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import psycopg

from tests.support.server import REPO

# The settings of a test's own server or command: no ML, no Kafka, a small pool.
QUIET = {"MEDISYNC_ML_ENABLED": "false", "MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_DB_POOL_SIZE": "4"}


class CliProcess:
    def __init__(self, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.args = args
        self.env = {**os.environ, **env}
        self.log_path = log_dir / f"{args[0]}-{uuid.uuid4().hex[:6]}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    def start(self) -> "CliProcess":
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "medisync.interface.cli", *self.args],
                                        env=self.env, cwd=REPO, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        return self

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self._close_log()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def fresh_database(server_url: str) -> str:
    """A new, empty database on the same server, so a test owns its whole event log."""
    name = f"medisync_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(urlparse(server_url)._replace(path=f"/{name}"))


def server_level(database_url: str) -> str:
    head, _, query = database_url.partition("?")
    return head.rsplit("/", 1)[0] + "/postgres" + (f"?{query}" if query else "")


def api_dir(tmp_path: Path) -> Path:
    path = tmp_path / "api"
    path.mkdir(exist_ok=True)
    return path
