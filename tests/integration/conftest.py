"""Fixtures shared by the integration tests (helpers live in tests/support)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from medisync.interface.bootstrap import Container, bootstrap
from medisync.interface.settings import Settings
from tests.support.container import env_for
from tests.support.processes import fresh_database


@pytest.fixture
def pool_size() -> int:
    """Connections of the ``container`` fixture's pool: a module that needs more overrides this fixture."""
    return 2


@pytest.fixture
def container(database_url: str, tmp_path: Path, pool_size: int) -> Iterator[Container]:
    """The application services on a fresh database of their own; no projections started."""
    built = bootstrap(Settings.from_env({**env_for(fresh_database(database_url), tmp_path),
                                         "MEDISYNC_DB_POOL_SIZE": str(pool_size)}))
    yield built
    built.close()
