"""The reaction to an allergen said alone, told a sentence or two later; a product that holds the allergen (D282)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Codeine. After my wisdom teeth I itched all over like I had ants under my skin.",
         [{"substance": "codeine", "reaction": "itching"}]),
        ("Neomycin. The stuff in Neosporin. My skin blistered and wept where I put it on a cut.",
         [{"substance": "neomycin", "reaction": "blisters"}]),
        ("Tramadol. I saw things that weren't there.", [{"substance": "tramadol", "reaction": "hallucinations"}]),
    ],
)
def test_the_reaction_told_after_the_allergen(answer: str, expected: list[dict[str, str]]) -> None:
    assert insights(("D", "Any allergies to medications?"), ("P", answer))["allergies"] == expected


def test_the_next_allergen_s_reaction_is_not_the_first_s() -> None:
    got = insights(("D", "Any allergies?"), ("P", "Penicillin. Sulfa gives me hives."))["allergies"]
    assert got == [{"substance": "penicillin", "reaction": None}, {"substance": "sulfa", "reaction": "hives"}]
