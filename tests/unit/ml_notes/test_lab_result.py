"""D240: a visit the clinician opens with an abnormal result has that result as its chief complaint (phrasings
written for these tests, not from a visit)."""

from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(("opening", "complaint"), [
    ("Thanks for coming back. Your ferritin came back low.", "low ferritin"),
    ("I called you in because your TSH was quite high.", "high TSH"),
    ("Your vitamin D came back at nine. We like it above thirty.", "low vitamin D"),
])
def test_an_abnormal_result_that_opens_the_visit_is_the_chief_complaint(opening: str, complaint: str) -> None:
    ins = insights(("D", opening), ("P", "I have been tired, honestly."))
    assert ins["chief_complaint"] == complaint


@pytest.mark.parametrize("opening", [
    "Your TSH was high last time, so we changed the dose. What brings you in today?",
    "Your vitamin D came back at forty. We like it above thirty. What brings you in today?",
    "Let's start vitamin D, fifty thousand units weekly. What brings you in today?",
])
def test_a_past_normal_or_no_result_leaves_the_patients_complaint(opening: str) -> None:
    assert insights(("D", opening), ("P", "I have a cough."))["chief_complaint"] == "cough"
