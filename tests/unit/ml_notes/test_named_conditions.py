"""Stress urinary incontinence, sunburn by degree, vaginal atrophy; "what it is, is", "what we call" (D284)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(
    ("said", "code"),
    [
        ("Good. So, Lorraine, this is stress urinary incontinence.", "N39.3"),
        ("People call it sun poisoning. What it is, is a second degree sunburn, because of the blisters.", "L55.1"),
        ("I also want to start a vaginal estrogen cream for the thinning, what we call vaginal atrophy.", "N95.2"),
        ("This is urge incontinence, the overactive bladder kind.", "N39.41"),
    ],
)
def test_the_stated_condition_is_coded(said: str, code: str) -> None:
    assert code in [d["icd10"] for d in insights(("D", said))["diagnoses"]]


@pytest.mark.parametrize(
    "said",
    ["If it gets worse, it could turn into what we call cellulitis.", "It might become what we call cellulitis."],
)
def test_a_name_given_to_a_possibility_is_not_coded(said: str) -> None:
    assert insights(("D", said))["diagnoses"] == []
