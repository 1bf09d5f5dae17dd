"""D212: a positive test the clinician reports confirms the condition it tests for; a negative, hypothetical
or relative's test does not.  Phrasings written for this test, not taken from any visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _codes(said: str) -> list[str]:
    return [d["icd10"] for d in insights(("D", said))["diagnoses"]]


@pytest.mark.parametrize(("said", "code"), [
    ("You tested positive for COVID.", "U07.1"),
    ("The swab came back positive for strep.", "J02.0"),
    ("Your rapid strep test came back positive.", "J02.0"),
    ("Your COVID test was positive, and your strep test was negative.", "U07.1"),
])
def test_a_positive_test_codes_its_condition(said: str, code: str) -> None:
    assert _codes(said) == [code]


@pytest.mark.parametrize("said", [
    "Your strep test is negative.",
    "You did not test positive for covid.",
    "If your covid test is positive, stay home.",
    "Your mother tested positive for covid.",
    "Your mother's covid test was positive.",
])
def test_no_code_without_a_positive_test_of_the_patient(said: str) -> None:
    assert _codes(said) == []
