"""Throat tightness, eye irritation, black stools said with adjectives, "when she pees", and a question left to the
answer when the answer's own mention is no finding (D304)."""
from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(
    ("asked", "answer", "name"),
    [
        ("Any wheezing, or your throat feeling tight?", "No, nothing like that.", "throat tightness"),
        ("Any grittiness in your eyes?", "No.", "eye irritation"),
        ("Any black, sticky, tar like stools?", "No, normal color.", "black stools"),
        ("Any burning when she pees?", "No, she hasn't had any of that.", "painful urination"),
        ("Fevers, chills, weight loss you can't explain?", "No fevers, no chills. And I wish I'd lost weight.",
         "weight loss"),
    ],
)
def test_the_asked_item_is_denied(asked: str, answer: str, name: str) -> None:
    assert symptom_map(insights(("D", asked), ("F" if "she" in answer else "P", answer)))[name][0] is False


def test_a_wish_alone_says_nothing() -> None:
    assert "weight loss" not in symptom_map(insights(("D", "How's your weight?"), ("P", "I wish I could lose weight.")))
