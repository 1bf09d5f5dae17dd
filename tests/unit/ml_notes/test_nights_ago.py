"""D211: "two nights ago" is two days, "the day before yesterday" two days (it was read as yesterday, one day).
Phrasings written for this test, not taken from any visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(("said", "duration"), [
    ("My ear started hurting two nights ago.", "2 days"),
    ("The rash showed up the day before yesterday.", "2 days"),
    ("I've had a fever since yesterday.", "1 day"),
])
def test_nights_and_the_day_before_yesterday(said: str, duration: str) -> None:
    symptoms = insights(("D", "What brings you in?"), ("P", said))["symptoms"]
    assert [s["duration"] for s in symptoms if s["present"]] == [duration]
