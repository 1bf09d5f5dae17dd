"""Negation that is not about the symptom, and symptoms told as history (D77).  Phrasings written for
this test."""

from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_without_before_a_verb_does_not_negate_what_follows() -> None:
    found = symptom_map(insights(("D", "What's the problem?"), ("P", "I mean, without sounding silly, like diarrhoea.")))
    assert found["diarrhea"][0] is True


def test_i_do_not_know_is_no_negation() -> None:
    found = symptom_map(insights(("D", "Tell me more."), ("P", "I don't know, I mean it's pretty standard diarrhoea.")))
    assert found["diarrhea"][0] is True


def test_a_symptom_in_an_answer_about_past_history_is_not_a_current_one() -> None:
    found = symptom_map(insights(("D", "Any chest pain?"), ("P", "No pain in my chest."),
                                 ("D", "Any other medical history I should be aware of?"),
                                 ("P", "I had some chest pain and they took me into hospital.")))
    assert found["chest pain"][0] is False


def test_a_history_answer_that_speaks_of_now_counts() -> None:
    found = symptom_map(insights(("D", "Have you ever had chest pain?"), ("P", "Yes, and I still get chest pain now.")))
    assert found["chest pain"][0] is True
