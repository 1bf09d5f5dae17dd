"""An x-ray order names the body part and its side as said, never a side word as the part."""

from __future__ import annotations

import pytest

from tests.unit.ml_notes._dialogue import insights


@pytest.mark.parametrize(("said", "name"), [
    ("I am ordering x-rays of both your knees.", "bilateral knee x-ray"),
    ("I am ordering an x ray of your right knee.", "right knee x-ray"),
    ("I am going to order an x-ray of your left ankle.", "left ankle x-ray"),
    ("I am ordering an x ray of your knee today.", "knee x-ray"),
    ("I will order an x-ray right now.", "x-ray"),
])
def test_x_ray_names(said: str, name: str) -> None:
    assert [o["name"] for o in insights(("D", said))["orders"]] == [name]
