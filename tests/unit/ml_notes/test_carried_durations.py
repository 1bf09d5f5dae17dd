"""D153: a turn's duration that dates nothing before it dates the next sentence's complaints ("That was on
Saturday, so two days ago. It swelled up."), unless that sentence dates itself or the duration dated what
was asked.  Phrasings written for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


def _durations(*turns: tuple[str, str]) -> dict[str, str | None]:
    return {name: duration for name, (_present, duration) in symptom_map(insights(*turns)).items()}


def test_a_duration_that_dates_nothing_yet_dates_the_next_sentence() -> None:
    assert _durations(("D", "What happened?"), ("P", "That was on Saturday, so two days ago. It swelled up overnight.")) \
        == {"swelling": "2 days"}
    assert _durations(("D", "What brings you in?"),
                      ("P", "I have been feeling off for about a week. I have a headache and a sore throat.")) \
        == {"headache": "1 week", "sore throat": "1 week"}


@pytest.mark.parametrize("then", ["Now I have diarrhea.", "I get diarrhea in the morning.",
                                  "Since then I have diarrhea."])
def test_a_sentence_that_dates_itself_takes_no_duration_from_before(then: str) -> None:
    assert _durations(("D", "What brings you in?"), ("P", f"I went on a trip two weeks ago. {then}")) \
        == {"diarrhea": None}


def test_a_duration_that_dated_the_asked_complaint_is_not_carried_on() -> None:
    found = _durations(("D", "Tell me about the headaches."),
                       ("P", "They started three months ago. It is a throbbing pain, with nausea."))
    assert found["headache"] == "3 months" and found["nausea"] is None


def test_a_family_members_duration_dates_the_patients_complaints_just_before() -> None:
    """D165: "So that's two days now", said by the wife right after the patient's complaints, dates them; a
    clinician's turn between stops the carry."""
    ins = insights(("D", "What's happening?"),
                   ("P", "I've been throwing up all night, and I have diarrhea. It hit me Sunday night."),
                   ("F", "So that's two days now. Half his office had the same bug."))
    assert symptom_map(ins) == {"vomiting": (True, "2 days"), "diarrhea": (True, "2 days")}
    ins = insights(("D", "What's happening?"), ("P", "I've been throwing up all night."), ("D", "I see."),
                   ("P", "And my sister is here with me, that's two days now."))
    assert symptom_map(ins)["vomiting"] == (True, None)
