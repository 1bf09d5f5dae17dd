"""D145: each clause dates its own complaint ("a runny nose two days ago, and last night a cough"), and a
complaint the patient woke up with, developed or noticed yesterday has lasted a day.  Phrasings written
for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


def _durations(said: str) -> dict[str, str | None]:
    return {name: duration for name, (_present, duration) in
            symptom_map(insights(("D", "What brings you in?"), ("P", said))).items()}


def test_each_clause_dates_its_own_complaint() -> None:
    assert _durations("She started with a runny nose two days ago, and last night she woke up with a cough.") \
        == {"runny nose": "2 days", "cough": "1 day"}
    assert _durations("I have had a fever for three days, and a cough for a week.") \
        == {"fever": "3 days", "cough": "1 week"}


@pytest.mark.parametrize("said", ["Last night I woke up with a cough.", "I noticed a rash yesterday."])
def test_a_complaint_that_began_yesterday_has_lasted_a_day(said: str) -> None:
    assert set(_durations(said).values()) == {"1 day"}


def test_one_duration_in_a_sentence_still_dates_all_its_complaints() -> None:
    assert _durations("I had a sore throat and a cough for two days.") == {"sore throat": "2 days", "cough": "2 days"}


def test_a_day_that_dates_no_onset_dates_nothing() -> None:
    assert _durations("I got home last night and my knee hurts.") == {"knee pain": None}
