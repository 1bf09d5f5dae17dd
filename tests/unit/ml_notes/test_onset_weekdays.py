"""An onset told by weekdays, and a duration after a comma (D287)."""
from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(
    ("answer", "duration"),
    [
        ("It started Monday. Today is Thursday.", "3 days"),
        ("The night of the party. That was Saturday, and today's Wednesday.", "4 days"),
        ("It's been a while, six weeks maybe.", "6 weeks"),
    ],
)
def test_the_onset_answer_s_duration(answer: str, duration: str) -> None:
    got = symptom_map(insights(("D", "What brings you in today?"), ("P", "I've had this cough."),
                               ("D", "How long has it been going on?"), ("P", answer)))
    assert got["cough"] == (True, duration)


def test_a_weekday_without_today_s_is_no_duration() -> None:
    got = symptom_map(insights(("D", "What brings you in today?"), ("P", "I've had this cough."),
                               ("D", "How long has it been going on?"), ("P", "Since Friday.")))
    assert got["cough"] == (True, None)
