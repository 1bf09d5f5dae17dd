from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.unit.commands.world import World


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    built = World(tmp_path)
    yield built
    built.app.close()
