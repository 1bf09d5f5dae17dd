"""D218: answers to "Any allergies?" (written from common answers, not from any fixture visit)."""

from __future__ import annotations

import pytest

from ._dialogue import insights

_ASK = ("D", "Any allergies?")


@pytest.mark.parametrize("answer, allergen", [
    ("Bee stings. I carry an EpiPen.", "bee stings"),
    ("Peanuts. I keep an EpiPen in my purse.", "peanuts"),
    ("Bee stings, so I always have an EpiPen with me.", "bee stings"),
])
def test_the_epinephrine_a_patient_carries_is_no_allergy(answer: str, allergen: str) -> None:
    ins = insights(_ASK, ("P", answer))
    assert [a["substance"] for a in ins["allergies"]] == [allergen]
    assert [m["name"] for m in ins["medications"]] == ["epinephrine"]


@pytest.mark.parametrize("answer, reaction", [
    ("Penicillin. I get hives.", "hives"),
    ("Sulfa. I break out in a rash.", "rash"),
])
def test_the_reaction_told_after_the_allergen_is_no_current_symptom(answer: str, reaction: str) -> None:
    ins = insights(_ASK, ("P", answer))
    assert ins["allergies"][0]["reaction"] == reaction
    assert ins["symptoms"] == []
    assert ins["chief_complaint"] is None


def test_a_complaint_with_its_own_duration_after_the_allergen_is_kept() -> None:
    ins = insights(_ASK, ("P", "Penicillin. I've had a rash for a week."))
    assert [(s["name"], s["present"], s["duration"]) for s in ins["symptoms"]] == [("rash", True, "1 week")]


def test_an_allergy_said_with_have_is_still_an_allergy() -> None:
    assert [a["substance"] for a in insights(_ASK, ("P", "I have an allergy to codeine."))["allergies"]] == ["codeine"]


def test_an_allergen_the_patient_has_is_not_a_drug_at_hand() -> None:
    """Review of D218: "have a / an" is having the drug at hand only when the sentence says where."""
    ins = insights(_ASK, ("P", "I have an amoxicillin one."))
    assert [a["substance"] for a in ins["allergies"]] == ["amoxicillin"]
    assert ins["medications"] == []
