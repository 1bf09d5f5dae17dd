"""The application services on a test server's database, for tests that append
events directly (same master key as the server, their own JWT key and data dir)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from medisync.interface.bootstrap import Container, bootstrap
from medisync.interface.settings import Settings


@contextmanager
def services_on(database_url: str, data_dir: Path) -> Iterator[Container]:
    env = {**os.environ, "MEDISYNC_DATABASE_URL": database_url, "MEDISYNC_ML_ENABLED": "false",
           "MEDISYNC_DATA_DIR": str(data_dir), "MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_DB_POOL_SIZE": "2"}
    built = bootstrap(Settings.from_env(env))
    try:
        yield built
    finally:
        built.close()


def projected(container: Container, notification_id: int, within_s: float = 120.0) -> bool:
    """Wait until every projection has passed ``notification_id``: the product's bounded wait, repeated
    up to ``within_s``, so a test does not fail because a loaded machine projects slower than 3 s."""
    import time

    deadline = time.monotonic() + within_s
    while not container.wait_for_projections(notification_id):
        if time.monotonic() >= deadline:
            return False
    return True
