"""An onset answer that names the asked symptom again without a figure, and a figure after fillers (D277)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_the_asked_symptom_named_again_undated_takes_the_answer_s_figure() -> None:
    got = symptom_map(insights(("D", "What's bothering you?"), ("P", "My hip hurts."), ("D", "When did it start?"),
                               ("P", "By Halloween it was aching, and it hasn't quit since. So five weeks or so.")))
    assert got["hip pain"] == (True, "5 weeks")


def test_a_figure_after_fillers_and_commas() -> None:
    got = symptom_map(insights(("D", "What's going on?"), ("P", "My stomach gets really bloated."),
                               ("D", "When did this start?"), ("P", "The end of August. So, like, three months?")))
    assert got["bloating"] == (True, "3 months")


def test_a_symptom_the_answer_dates_itself_keeps_its_own_figure() -> None:
    got = symptom_map(insights(("D", "What brings you in?"), ("P", "My knee hurts."), ("D", "When did it start?"),
                               ("P", "The knee pain started two weeks ago. I had a fever too, three days.")))
    assert got["knee pain"][1] == "2 weeks"
