"""D252: a denial said after the finding ("Rash, not that I've noticed.") and a febrile reading that answers
"Any fever?" (phrasings written for these tests, not from a visit)."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


def test_a_not_that_i_have_noticed_after_the_finding_denies_it() -> None:
    said = symptom_map(insights(("D", "Headache? Any rash?"), ("P", "Headaches, on and off. Rash, not that I've noticed.")))
    assert said["rash"] == (False, None) and said["headache"][0] is True


@pytest.mark.parametrize("answer", [
    "I get chills at night, and I checked once, it was a hundred and one.",
    "My temp hit thirty eight point five on Sunday.",
])
def test_a_febrile_reading_answers_the_fever_question(answer: str) -> None:
    assert symptom_map(insights(("D", "Any fever?"), ("P", answer)))["fever"] == (True, None)


@pytest.mark.parametrize("answer", [
    "I checked, it was ninety nine.",  # not febrile
    "No. I weighed myself, it was a hundred and two pounds.",  # a denial, and no temperature
])
def test_no_fever_from_a_normal_reading_or_a_denial(answer: str) -> None:
    assert symptom_map(insights(("D", "Any fever?"), ("P", answer))).get("fever", (False, None))[0] is False
