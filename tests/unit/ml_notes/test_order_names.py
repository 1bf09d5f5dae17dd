"""An x-ray order names the body part and its side as said, never a side word as the part; a blood test names
what it looks for when that is said (D139).  Sentences written for this test."""

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


@pytest.mark.parametrize(("said", "name"), [
    ("I will do a blood test to rule out celiac disease.", "celiac disease blood test"),
    ("Let us get a blood test for anemia.", "anemia blood test"),
    ("I will also send a Lyme antibody blood test.", "lyme antibody blood test"),
    # nothing named, or what is named is no condition of the vocabularies: the generic name
    ("I will order blood work today.", "blood work"),
    ("I would like some blood work to check your thyroid.", "blood work"),
    ("We will do a blood test for your cholesterol.", "blood work"),
    ("I will order an antibody blood test.", "blood work"),
])
def test_blood_test_names(said: str, name: str) -> None:
    assert [o["name"] for o in insights(("D", said))["orders"]] == [name]
