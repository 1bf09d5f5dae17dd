"""Adverse reactions stated in passing (adverse.py): the drug is an allergy with its reaction, never
a medication the patient takes.  Phrasings written for this test, not taken from an evaluation visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _facts(question: str, answer: str) -> tuple[dict[str, str | None], dict[str, str]]:
    ins = insights(("D", question), ("P", answer), ("D", "Okay, thank you."))
    return ({a["substance"]: a["reaction"] for a in ins["allergies"]},
            {m["name"]: m["status"] for m in ins["medications"]})


@pytest.mark.parametrize(("question", "answer", "substance", "reaction"), [
    ("What happens with medicines?", "Penicillin gives me hives.", "penicillin", "hives"),
    ("Anything you reacted to before?", "When I took erythromycin I broke out in hives.", "erythromycin", "hives"),
    ("Any drug allergies?", "Codeine makes me throw up.", "codeine", "vomiting"),
    ("How is the blood pressure pill?", "The lisinopril makes me cough a lot, so I stopped it.", "lisinopril", "cough"),
    ("Any allergies to medicines?", "She can't take amoxicillin, she got a rash all over last time.",
     "amoxicillin", "rash"),
    ("Do you react to any medicine?", "I cannot tolerate sulfa drugs, they make me itch all over.", "sulfa", "itching"),
])
def test_a_reported_reaction_is_an_allergy_and_not_a_medication(question: str, answer: str, substance: str,
                                                                reaction: str) -> None:
    allergies, meds = _facts(question, answer)
    assert allergies == {substance: reaction}
    assert substance not in meds


def test_a_side_effect_taken_through_is_no_allergy() -> None:
    allergies, meds = _facts("Tell me about your medicines.",
                             "I take metformin and it sometimes gives me diarrhea but I keep taking it.")
    assert allergies == {}
    assert meds == {"metformin": "active"}


@pytest.mark.parametrize("answer", [
    "No, amoxicillin has always been fine for me.",
    "Ibuprofen doesn't cause me any problems.",
    "Penicillin never gave me hives.",
])
def test_a_drug_tolerated_or_a_reaction_denied_is_no_allergy(answer: str) -> None:
    allergies, _meds = _facts("Any allergies?", answer)
    assert allergies == {}


def test_cannot_take_without_a_reaction_is_not_recorded_from_outside_an_allergy_answer() -> None:
    allergies, _meds = _facts("How are the mornings?", "I can't take my pills before breakfast, I forget.")
    assert allergies == {}
