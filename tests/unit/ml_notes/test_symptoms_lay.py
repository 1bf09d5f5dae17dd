"""Lay descriptions are understood by composition (sensation/difficulty x body function, D38), not
by a list of phrases: none of these sentences is in the lexicon or in any visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(
    ("said", "concept"),
    [
        ("It really burns whenever I go pee.", "painful urination"),
        ("It stings when I urinate.", "painful urination"),
        ("Peeing has been really painful.", "painful urination"),
        ("It hurts every time I swallow.", "difficulty swallowing"),
        ("I have a hard time swallowing.", "difficulty swallowing"),
        ("I can barely breathe when I climb stairs.", "shortness of breath"),
        ("I struggle to fall asleep.", "insomnia"),
        ("I have a hard time remembering things.", "memory loss"),
        ("I have trouble with my bowel movements, I can barely poop.", "constipation"),
    ],
)
def test_composed_lay_description_maps_to_concept(said: str, concept: str) -> None:
    assert symptom_map(insights(("P", said))).get(concept, (None,))[0] is True


def test_composed_description_can_be_denied() -> None:
    ins = insights(("D", "Any burning when you pee?"), ("P", "No, no trouble sleeping either, and it does not hurt to swallow."))
    found = symptom_map(ins)
    assert found.get("insomnia", (None,))[0] is False
    assert found.get("difficulty swallowing", (None,))[0] is False
