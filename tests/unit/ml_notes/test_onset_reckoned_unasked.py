"""Durations the clinician reckons after an unasked, dated complaint, and the onset of a complaint first told as
a body part alone (D297)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_the_clinicians_reckoning_dates_a_complaint_told_unasked() -> None:
    got = symptom_map(insights(
        ("D", "What happened?"),
        ("P", "On Saturday night I got this cramp low on the right that won't quit. Today's Tuesday."),
        ("D", "So three days. Show me where."),
    ))
    assert got["cramping"] == (True, "3 days")


def test_no_reckoning_is_read_onto_two_complaints() -> None:
    got = symptom_map(insights(
        ("D", "What happened?"),
        ("P", "On Saturday I got a cough, and on Sunday a sore throat."),
        ("D", "So three days. Any fever?"),
    ))
    assert got["cough"][1] is None and got["sore throat"][1] is None


def test_a_part_told_alone_places_the_pain_its_onset_answer_tells() -> None:
    got = symptom_map(insights(
        ("D", "What's bothering you?"),
        ("P", "My shoulder. The right one. I can't sleep on that side."),
        ("D", "When did it start?"),
        ("P", "We moved house in September. By the end of the month it was aching. So about ten weeks."),
    ))
    assert got["shoulder pain"] == (True, "10 weeks")


def test_an_onset_answer_with_two_complaints_dates_neither_by_one_figure() -> None:
    got = symptom_map(insights(
        ("D", "What's bothering you?"),
        ("P", "Nothing much."),
        ("D", "When did it start?"),
        ("P", "Two weeks ago I got a cough. Then a fever on Monday."),
    ))
    assert got["cough"] == (True, "2 weeks") and got["fever"] == (True, None)
