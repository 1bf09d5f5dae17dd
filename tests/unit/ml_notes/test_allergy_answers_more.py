"""Allergy answers with a hedge, a childhood reaction, a tendon reaction (D286)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Ciprofloxacin, my tendons hurt.", {"substance": "ciprofloxacin", "reaction": "tendon pain"}),
        ("Penicillin, I think. My mom said I had a rash as a baby.", {"substance": "penicillin", "reaction": "rash"}),
    ],
)
def test_the_reaction_is_the_allergy_s_and_no_present_symptom(answer: str, expected: dict[str, str]) -> None:
    out = insights(("D", "Any allergies to medications?"), ("P", answer))
    assert out["allergies"] == [expected]
    assert [s["name"] for s in out["symptoms"] if s["present"]] == []
