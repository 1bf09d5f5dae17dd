"""How long a symptom has lasted, in phrasings written for this test (D132), not taken from a visit."""

from __future__ import annotations

import pytest

from medisync.ml.notes.symptoms import parse_duration
from medisync.ml.notes.text import tokenize

from ._dialogue import insights, symptom_map


def _dur(text: str) -> str | None:
    return parse_duration(" ".join(tokenize(text)))


@pytest.mark.parametrize(("said", "duration"), [
    ("It's been about four days.", "4 days"),
    ("It has been going on two weeks.", "2 weeks"),
    ("Three days now.", "3 days"),
    ("So about two weeks now.", "2 weeks"),
    ("For the last two or three days.", "2-3 days"),
    ("She's been sick for 2 to 3 weeks.", "2-3 weeks"),
])
def test_a_span_said_without_for_or_ago_is_a_duration(said: str, duration: str) -> None:
    assert _dur(said) == duration


@pytest.mark.parametrize("said", [
    "I take it two times a day now.",
    "He is 3 years old.",
    "One or two a day.",
    "For three or two days.",
])
def test_what_is_no_span_gives_no_duration(said: str) -> None:
    assert _dur(said) is None


def test_the_span_goes_to_the_symptom_said_with_it() -> None:
    found = insights(("D", "What brings you in?"), ("P", "I've had a cough. It's been about four days."))
    assert symptom_map(found)["cough"] == (True, "4 days")


@pytest.mark.parametrize(("said", "duration"), [
    ("I've had this cough for a week and a half.", "1.5 weeks"),  # was "1 week": a wrong duration
    ("For two and a half weeks.", "2.5 weeks"),
    ("I've had a sore throat since Friday, so about four days.", "4 days"),
    ("My knee started hurting two weeks back.", "2 weeks"),
])
def test_half_units_a_date_restated_as_a_span_and_back_for_ago(said: str, duration: str) -> None:
    """D180, phrasings written for this test."""
    assert _dur(said) == duration


def test_a_bare_answer_of_a_week_and_a_half() -> None:
    """D180: the answer to an onset question keeps its half."""
    found = symptom_map(insights(("D", "How long have you had the cough?"), ("P", "A week and a half.")))
    assert found == {"cough": (True, "1.5 weeks")}
