"""A KOH prep and a wet mount are their own tests (D291)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(
    ("said", "order"),
    [
        ("I'm going to do a KOH prep on a scraping of the skin.", {"kind": "lab", "name": "KOH prep"}),
        ("Let me do a wet mount and check the pH.", {"kind": "lab", "name": "vaginal wet mount"}),
        ("I'm going to send a skin scraping for a fungal culture.", {"kind": "lab", "name": "fungal culture"}),
    ],
)
def test_the_test_ordered_is_the_one_named(said: str, order: dict[str, str]) -> None:
    assert insights(("D", said))["orders"] == [order]
