"""The first hour (issue 18 s5): `medisync serve` as `make run` starts it, on its own embedded
PostgreSQL in a fresh data directory.

- the port comes from ``PORT`` (or ``MEDISYNC_PORT``) in the environment;
- the first-admin banner is printed only while no admin exists;
- Ctrl-C with ``--stop-db-on-exit`` (what `make run` passes) stops the embedded PostgreSQL the
  server started, and says so; one that was already running (shared with the CLI or
  `make services-up`) keeps running, and the server says so and how to stop it;
- `medisync db-stop` says what it stopped, or that nothing was running;
- no ``XDG_RUNTIME_DIR`` warning is printed on the way.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from medisync.adapters.embedded_postgres import running_pid
from tests.support.server import REPO, free_port

CLI = [sys.executable, "-m", "medisync.interface.cli"]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("MEDISYNC_") and k not in ("XDG_RUNTIME_DIR", "PORT")}
    return {**env, "MEDISYNC_DATA_DIR": str(data_dir), "MEDISYNC_ML_ENABLED": "false",
            "MEDISYNC_ARGON2_MEMORY_KIB": "1024", "MEDISYNC_LOG_FORMAT": "text",
            "MEDISYNC_MASTER_KEY_FILE": str(data_dir / "master.key"), **extra}


def _serve(env: dict[str, str], port: int, *flags: str) -> str:
    """Start the server, wait until it answers on ``port``, Ctrl-C it; its whole output."""
    process = subprocess.Popen([*CLI, "serve", *flags], env=env, cwd=REPO, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(process, port)
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output[-3000:]
    return output


def _wait_healthy(process: subprocess.Popen[Any], port: int) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0][-3000:]
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise AssertionError("the server did not answer")


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*CLI, *args], env=env, cwd=REPO, text=True, capture_output=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.fixture
def fresh_checkout() -> Iterator[Path]:
    """A data directory others can enter: under root, pgserver runs PostgreSQL as its own user,
    which cannot reach into pytest's private tmp_path."""
    parent = Path(tempfile.mkdtemp(prefix="medisync-first-hour-"))
    parent.chmod(0o755)
    yield parent
    shutil.rmtree(parent, ignore_errors=True)


def test_make_run_from_a_fresh_data_directory(fresh_checkout: Path) -> None:
    data_dir = fresh_checkout / "var"
    pgdata = data_dir.resolve() / "pgdata"
    port = free_port()
    env = _env(data_dir, PORT=str(port))
    try:
        first = _serve(env, port, "--stop-db-on-exit")
        assert f"MediSync API on http://127.0.0.1:{port}/api/v1" in first
        assert "No admin exists yet" in first and "create-admin" in first
        assert f"stopped the embedded PostgreSQL in {pgdata} (pid " in first
        assert running_pid(str(data_dir)) is None

        assert "created admin" in _cli(env, "create-admin", "--email", "first@clinic.test", "--password",
                                       "a-long-passphrase-1", "--full-name", "Ada First", "--practice", "Clinic")
        # create-admin left the database running: a server that did not start it does not stop it
        again = _serve(env, port, "--stop-db-on-exit")
        assert "No admin exists yet" not in again
        assert f"The embedded PostgreSQL in {pgdata} keeps running" in again and "medisync db-stop" in again
        pid = running_pid(str(data_dir))
        assert pid is not None

        assert _cli(env, "db-stop").strip() == f"stopped the embedded PostgreSQL in {pgdata} (pid {pid})"
        assert running_pid(str(data_dir)) is None
        assert _cli(env, "db-stop").strip() == f"the embedded PostgreSQL in {pgdata} is not running; nothing to stop"
        for output in (first, again):
            assert "XDG_RUNTIME_DIR" not in output
    finally:
        if running_pid(str(data_dir)) is not None:
            _cli(env, "db-stop")


def test_medisync_port_wins_over_port() -> None:
    from medisync.interface.settings import Settings

    assert Settings.from_env({"PORT": "9001"}).port == 9001
    assert Settings.from_env({"PORT": "9001", "MEDISYNC_PORT": "9002"}).port == 9002
    assert Settings.from_env({}).port == 8080
