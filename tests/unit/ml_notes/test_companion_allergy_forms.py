"""A companion's own allergy in more words, and a reaction taken back as a side effect (D273)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(
    "said",
    [
        "I'm the one with the sulfa allergy. Which is why I wanted to ask.",
        "None that we know of. I'm the one allergic to sulfa, she's not.",
        "I'm the one who has the sulfa allergy, not her.",
    ],
)
def test_the_companion_s_own_allergy_is_not_the_patient_s(said: str) -> None:
    assert insights(("D", "Any allergies?"), ("F", said))["allergies"] == []


def test_the_patient_s_allergy_said_after_the_companion_s_is_kept() -> None:
    out = insights(("D", "Any allergies?"),
                   ("F", "I'm the one with the amoxicillin allergy. And she's allergic to erythromycin."))
    assert [a["substance"] for a in out["allergies"]] == ["erythromycin"]


def test_a_reaction_called_a_side_effect_not_an_allergy_is_taken_back() -> None:
    out = insights(("D", "Any allergies?"),
                   ("F", "Amoxicillin gave him diarrhea once, when he was two. But the pediatrician said that's just a "
                         "side effect, not an allergy."))
    assert out["allergies"] == []
