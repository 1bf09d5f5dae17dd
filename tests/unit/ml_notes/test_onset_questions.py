"""Onset questions ("how long have you had the headaches?") take the symptom as present; the answer's
duration attaches to it, and a denial or a second duration leaves it alone.  Phrasings written for
this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(("question", "answer", "name", "duration"), [
    ("How long have you had the headaches?", "About three months.", "headache", "3 months"),
    ("When did the palpitations start?", "They started a week ago.", "palpitations", "1 week"),
    ("How long has the rash been there?", "Going on ten days.", "rash", "10 days"),
])
def test_the_answer_s_duration_attaches_to_the_asked_symptom(question: str, answer: str, name: str,
                                                              duration: str) -> None:
    assert symptom_map(insights(("D", question), ("P", answer)))[name] == (True, duration)


def test_a_denial_records_nothing_present() -> None:
    found = symptom_map(insights(("D", "How long have you had the headaches?"),
                                 ("P", "No, I don't get headaches, it's my neck for two weeks.")))
    assert found.get("headache", (False, None))[0] is False


def test_a_bare_number_outside_an_onset_question_is_no_duration() -> None:
    found = symptom_map(insights(("D", "Do you get headaches?"), ("P", "Yes."),
                                 ("D", "How often do you take the pills?"), ("P", "About three months.")))
    assert found["headache"] == (True, None)
