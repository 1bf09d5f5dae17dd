"""Symptoms said but not the patient's now: other people's, a past episode told after the complaint, one that
went away (D186).  Phrasings written for this test, not taken from a visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(("question", "answer", "name"), [
    ("Anyone sick at home?", "My kids both had a cough last week.", "cough"),
    ("Any rash?", "I had a rash last year.", "rash"),
    ("Any rash?", "I had a rash last summer but it went away.", "rash"),
])
def test_not_written_as_present(question: str, answer: str, name: str) -> None:
    """Each had been written as the patient's present symptom."""
    assert symptom_map(insights(("D", question), ("P", answer))).get(name, (False, None))[0] is False


def test_one_that_went_away_is_denied_and_one_going_on_since_is_present() -> None:
    assert symptom_map(insights(("D", "Any rash?"), ("P", "I had a rash, but it went away.")))["rash"] == (False, None)
    assert symptom_map(insights(("D", "Any rash?"), ("P", "I've had this rash since last year.")))["rash"][0] is True
    assert symptom_map(insights(("D", "Any cough?"), ("P", "I have a cough, but the fever went away.")))["cough"][0] is True


def test_a_complaint_said_better_or_fine_at_times_is_kept() -> None:
    """D186 review: only a trigger saying the complaint is over looks back past ", but it"."""
    assert symptom_map(insights(("D", "Any headache?"), ("P", "I have a headache, but it is better now.")))["headache"][0]
    assert symptom_map(insights(("D", "Any cough?"), ("P", "My cough is bad, but it is fine at night.")))["cough"][0]
