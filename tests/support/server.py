"""Run `medisync serve` as a real process on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from tests.support.api import Caller, register_practice

REPO = Path(__file__).resolve().parents[2]


def stored_blobs(data_dir: str | Path, sha256: str) -> list[Path]:
    """The files under a server's blob store holding bytes with this digest:
    one per upload (D26), named ``<sha256>-<random>``."""
    return sorted(p for p in (Path(data_dir) / "blobs").glob(f"{sha256}*") if p.is_file())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    def __init__(self, data_dir: Path, database_url: str, extra_env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.api = f"{self.base}/api/v1"
        self.log_path = data_dir / f"server-{self.port}.log"
        self.env = {**os.environ, "MEDISYNC_DATA_DIR": str(data_dir),
                    "MEDISYNC_DATABASE_URL": database_url, "MEDISYNC_ARGON2_MEMORY_KIB": "1024",
                    **(extra_env or {})}
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    def start(self, timeout: float = 60.0) -> "ServerProcess":
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "medisync.interface.cli", "serve", "--port", str(self.port)],
            env=self.env, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.api}/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready: {self.log_path.read_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def row_cache_hits(server: ServerProcess) -> int:
    """Single-appointment reads the server answered from its row cache (D78), from its /metrics."""
    import re

    text = requests.get(f"{server.base}/metrics", timeout=10).text
    found = re.search(r'^medisync_row_cache_reads_total\{result="hit"\} (\S+)$', text, re.M)
    assert found, "the row cache's counter is not in /metrics"
    return int(float(found.group(1)))


def read_from_cache(server: ServerProcess, read: Any, within_s: float = 60.0) -> requests.Response:
    """Read with ``read()`` until the server answers from its row cache (its hit counter moves) and
    return that answer. A read may miss while the coherence listener is behind the view (D78: no hit
    ahead of it) or while the row read before it was not kept: the condition itself is waited on,
    bounded, with no sleep."""
    deadline = time.monotonic() + within_s
    while True:
        before = row_cache_hits(server)
        answer = read()
        if row_cache_hits(server) > before:
            return answer
        assert time.monotonic() < deadline, f"no read was answered from the row cache within {within_s} s"


def start_or_stop(server: ServerProcess) -> ServerProcess:
    """Start the server; if it never becomes ready, do not leave the process behind."""
    try:
        return server.start()
    except BaseException:
        server.stop()
        raise


def try_register(server: ServerProcess) -> Caller | None:
    """A new practice's admin, or None while the server cannot register one yet."""
    try:
        return register_practice(server.api, "projector-fault")
    except AssertionError:
        return None
