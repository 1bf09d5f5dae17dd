"""An onset figure revised after a relative's correction, and the one complaint an onset question with no referent
asks about (D316)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_the_patients_revised_figure_wins() -> None:
    got = symptom_map(insights(("D", "How long has the cough been going on?"), ("P", "Three weeks, about."),
                               ("F", "It's more than that. It started the weekend of your cousin's wedding."),
                               ("P", "Fine, four weeks. She's the one with the calendar."),
                               ("D", "So it started like a cold?")))
    assert got["cough"] == (True, "4 weeks")


def test_the_clinicians_reckoning_after_a_correction_wins() -> None:
    got = symptom_map(insights(("D", "What brings you in?"), ("P", "My hands shake."),
                               ("D", "When do you notice it most?"), ("P", "When I'm using my hands. Holding a cup."),
                               ("D", "And when did it start?"), ("P", "A couple of years ago. Around when I retired."),
                               ("F", "Longer than that. That was three years ago this past June."),
                               ("P", "She's right."), ("D", "So about three years. Has it gotten worse?")))
    assert got["tremor"] == (True, "3 years")


def test_a_figure_right_after_the_answer_does_not_override_it() -> None:
    got = symptom_map(insights(("D", "How long has the cough been going on?"), ("P", "Three weeks."),
                               ("D", "So two weeks of antibiotics then.")))
    assert got["cough"] == (True, "3 weeks")


def test_a_complaint_set_aside_is_not_the_referent() -> None:
    got = symptom_map(insights(("F", "She's got a little cough at night, but honestly that's not why we're here."),
                               ("D", "When did that start?"), ("F", "So about a week now.")))
    assert got["cough"] == (True, None)


def test_when_did_these_two_show_up_asks_about_the_sores() -> None:
    got = symptom_map(insights(("D", "Where are the sores?"), ("P", "I have mouth sores."),
                               ("D", "When did these two show up?"), ("P", "Thursday. So four days.")))
    assert got["mouth sores"] == (True, "4 days")
