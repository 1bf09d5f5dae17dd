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


@pytest.mark.parametrize(("prompt", "answer", "name", "duration"), [
    ("Tell me about the cough.", "It started two weeks ago, mostly at night.", "cough", "2 weeks"),
    ("So the dizziness is what brings you in.", "Yes, it has been going on for four days now.", "dizziness", "4 days"),
])
def test_an_answer_that_dates_the_named_symptom_through_a_pronoun(prompt: str, answer: str, name: str,
                                                                   duration: str) -> None:
    """D110: the one symptom the clinician just named is what "it"/"they" dates."""
    assert symptom_map(insights(("D", prompt), ("P", answer)))[name] == (True, duration)


def test_a_pronoun_after_two_named_symptoms_dates_neither() -> None:
    found = symptom_map(insights(("D", "Tell me about the cough and the fever."), ("P", "It started two weeks ago.")))
    assert all(d is None for _present, d in found.values())


def test_a_duration_later_in_the_answer_is_not_the_pronoun_s() -> None:
    found = symptom_map(insights(("D", "Tell me about the cough."),
                                 ("P", "It has been bad. My knee hurts for three days.")))
    assert found.get("cough", (True, None))[1] is None


@pytest.mark.parametrize(("question", "answer", "expected"), [
    ("How long has that been going on?", "About ten days.", {"cough": (True, "10 days")}),
    ("Okay, when did it start?", "Maybe two months ago.", {"cough": (True, "2 months")}),
    ("How long?", "Three days.", {"cough": (True, "3 days")}),
    ("When was your last bowel movement?", "Two days ago.", {"cough": (True, None)}),
])
def test_an_onset_question_that_names_nothing_asks_about_what_the_patient_just_said(
        question: str, answer: str, expected: dict[str, tuple[bool, str | None]]) -> None:
    """D179: "I've been coughing." "How long?" "Three days." dates the cough; a question with its own topic
    ("when was your last bowel movement?") does not."""
    assert symptom_map(insights(("P", "I've been coughing."), ("D", question), ("P", answer))) == expected


def test_going_on_two_weeks_is_a_duration() -> None:
    """D179: "back pain, going on two weeks now"."""
    found = symptom_map(insights(("D", "What brings you in?"), ("P", "I've had back pain, going on two weeks now.")))
    assert found == {"back pain": (True, "2 weeks")}


@pytest.mark.parametrize(("question", "answer"), [
    ("When did you first notice that?", "Around my birthday. So about two months."),
    ("When did you start noticing it?", "Two months ago, maybe."),
    ("When did you first have these?", "About two months ago."),
])
def test_when_did_you_notice_it_asks_the_onset_of_what_was_just_said(question: str, answer: str) -> None:
    """D247: "When did you first notice that?" points back to the symptom of the patient's turn before, as
    "When did it start?" does (D179)."""
    said = symptom_map(insights(("D", "How have you been?"), ("P", "My heart pounds, even lying on the couch."),
                                ("D", question), ("P", answer)))
    assert said == {"palpitations": (True, "2 months")}


def test_when_did_you_notice_a_named_thing_is_not_a_pointer_back() -> None:
    said = symptom_map(insights(("D", "How have you been?"), ("P", "My heart pounds, even lying on the couch."),
                                ("D", "When did you first notice the weight loss?"), ("P", "About two months ago.")))
    assert said.get("palpitations") == (True, None)


def test_the_clinician_s_short_reckoning_after_a_dated_onset_is_the_duration() -> None:
    """D255: the answer dates the onset by an event, the clinician says the figure."""
    said = symptom_map(insights(("D", "What's going on?"), ("P", "I keep breaking out in these welts. Big itchy blotches."),
                                ("D", "When did it start?"),
                                ("P", "The night of my cousin's party. That was Saturday, and today's Wednesday."),
                                ("D", "So four days. Where on your body?")))
    assert said["hives"] == (True, "4 days")


def test_a_reckoning_asked_back_as_a_question_is_not_taken() -> None:
    said = symptom_map(insights(("D", "What's going on?"), ("P", "My heart pounds."), ("D", "When did it start?"),
                                ("P", "Around my birthday."), ("D", "So two months?")))
    assert said["palpitations"] == (True, None)
