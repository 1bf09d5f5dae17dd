"""D111: the chief complaint names the side of a located symptom only when the visit gives its body part
one side; a stated reason loses a side the visit contests.  Phrasings written for this test."""

from __future__ import annotations

from ._dialogue import insights


def test_the_one_side_said_goes_into_the_chief_complaint() -> None:
    found = insights(("D", "What brings you in?"), ("P", "My right knee has been hurting for a week."))
    assert found["chief_complaint"] == "right knee pain"


def test_both_is_bilateral() -> None:
    found = insights(("D", "What brings you in?"), ("P", "Both of my knees hurt. Both knees are swollen too."))
    assert found["chief_complaint"].startswith("bilateral knee")


def test_two_sides_said_give_no_side() -> None:
    found = insights(("D", "What brings you in?"),
                     ("P", "My right knee has been hurting. My left knee is a little sore as well."))
    assert "right" not in found["chief_complaint"] and "left" not in found["chief_complaint"]


def test_a_stated_reason_loses_a_side_the_patient_corrects() -> None:
    found = insights(("D", "I understand you have come in with some right knee pain."),
                     ("P", "It is not the right knee, it is the left knee."),
                     ("D", "Okay, the left knee."))
    assert "right" not in (found["chief_complaint"] or "")


def test_both_before_one_knee_and_another_part_is_no_bilateral_knee() -> None:
    found = insights(("D", "What brings you in?"), ("P", "My knee hurts. Both my knee and my hip are stiff."))
    assert "bilateral" not in (found["chief_complaint"] or "")
