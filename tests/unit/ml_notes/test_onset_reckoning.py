"""An onset answer's "So eleven days." five sentences on, "So ..." over another figure, and the clinician's
reckoning after a relative's correction (D283)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_the_figure_at_the_end_of_a_long_answer() -> None:
    got = symptom_map(insights(
        ("D", "What's hurting?"), ("P", "My right heel hurts."), ("D", "When did it start?"),
        ("P", "The Turkey Trot. Thanksgiving morning. I ran it way too fast. My brother was right behind me. "
              "So eleven days.")))
    assert got["heel pain"] == (True, "11 days")


def test_so_gives_the_reckoning_over_an_activity_s_length() -> None:
    got = symptom_map(insights(
        ("D", "What's bothering you?"), ("P", "My left hip hurts."), ("D", "When did it start?"),
        ("P", "We painted the whole downstairs in October, for two weeks. So five weeks or so.")))
    assert got["hip pain"] == (True, "5 weeks")


def test_the_clinician_s_reckoning_after_a_relative_s_correction() -> None:
    got = symptom_map(insights(
        ("D", "What can I do for you?"), ("P", "My toes itch."), ("D", "How long has this been going on?"),
        ("P", "Since the summer. August, I'd say."), ("F", "No, it was before that. The Fourth of July."),
        ("P", "Huh. She's right. So since the Fourth."), ("D", "About five months, then. What does the skin do?")))
    assert got["itching"] == (True, "5 months")


def test_the_clinician_s_reckoning_over_an_activity_s_length_in_the_answer() -> None:
    got = symptom_map(insights(
        ("D", "What brings you in?"), ("P", "My lower back aches."), ("D", "When did it start?"),
        ("P", "Right after New Year's. I blamed the long drive home, we were in the car for nine hours."),
        ("D", "So about eleven months. Is it there all the time?")))
    assert got["back pain"] == (True, "11 months")
