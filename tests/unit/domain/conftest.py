"""The in-memory clinic the visit and note-draft tests share: one application per test, closed after it."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from medisync.application.app import MediSyncApplication
from tests.support.clinic import Clinic


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Clinic]:
    app = MediSyncApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield Clinic(app, tmp_path)
    app.close()
