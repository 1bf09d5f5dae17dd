"""The speaker's own earlier guess, a symptom said as someone else's, and the whoop of a cough (D332)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_a_guess_and_his_heartburn_are_not_the_patients() -> None:
    got = symptom_map(insights(("D", "What's been happening?"),
                               ("P", "I figured it was heartburn. His heartburn, actually. I get these attacks of "
                                     "nausea.")))
    assert "heartburn" not in got
    assert got["nausea"] == (True, None)


def test_her_sore_throat_from_a_parent_of_a_child_is_the_patients() -> None:
    got = symptom_map(insights(("D", "How old is she?"), ("F", "Four. My daughter has a fever."),
                               ("D", "Does she have a sore throat?"), ("F", "Her sore throat started yesterday.")))
    assert got["sore throat"][0] is True


def test_the_whooping_noise_after_coughing() -> None:
    got = symptom_map(insights(("D", "What brings you in?"), ("P", "This cough."),
                               ("F", "He coughs and coughs and then he sucks the air back in with this awful whooping "
                                     "noise.")))
    assert got["whooping sound"] == (True, None)


def test_whooping_cough_named_is_no_whoop() -> None:
    got = symptom_map(insights(("D", "What brings you in?"), ("P", "I think I have whooping cough.")))
    assert "whooping sound" not in got
