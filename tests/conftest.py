"""Shared fixtures: a real Postgres (the one `make test` started, or an
embedded one for this session) and a real server process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.audio import visit_opening
from tests.support.fake_llm import FakeChatServer
from tests.support.server import ServerProcess

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def shared_keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """All processes of a test session share one master key, as every process
    on one database must in production (each server keeps its own JWT key)."""
    keys = tmp_path_factory.mktemp("keys")
    saved = {"MEDISYNC_MASTER_KEY_FILE": os.environ.get("MEDISYNC_MASTER_KEY_FILE")}
    os.environ["MEDISYNC_MASTER_KEY_FILE"] = str(keys / "master.key")
    yield keys
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh database for this session, on the server `make test` started
    (or on an embedded one started here)."""
    from tests.support.processes import fresh_database

    configured = os.environ.get("MEDISYNC_DATABASE_URL")
    if configured:
        return fresh_database(configured)
    from medisync.adapters.embedded_postgres import start_embedded

    return start_embedded(str(tmp_path_factory.mktemp("pg")))


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[FakeChatServer]:
    chat = FakeChatServer([])
    yield chat
    chat.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, database_url: str,
           fake_llm: FakeChatServer) -> Iterator[ServerProcess]:
    """The embedded default (projections and ML worker in-process), with the
    premium LLM generator pointed at a local fake chat server."""
    data_dir = tmp_path_factory.mktemp("server")
    process = ServerProcess(data_dir, database_url, {"MEDISYNC_KAFKA_BOOTSTRAP": "",
                                                     "MEDISYNC_LLM_URL": fake_llm.url}).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def api(server: ServerProcess) -> str:
    return server.api


@pytest.fixture
def dialogue_wav(tmp_path: Path) -> Path:
    """The opening of a dev visit (history and medications, both speakers): real speech and a drafted note,
    at about a third of the whole visit's ML time; the tests that read the assessment and plan use the whole."""
    return visit_opening(tmp_path / "visit.wav")
