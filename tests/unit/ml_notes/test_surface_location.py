"""D122: "pain on the back of my right hand" is hand pain, not back pain: a surface word ("back", "inside",
"side") between the preposition and "of" names where on the body part, not a body part of its own.
Phrasings written for this test."""

from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_the_back_of_the_hand_is_the_hand() -> None:
    found = insights(("D", "What brings you in?"), ("P", "I have pain on the back of my right hand."))
    assert set(symptom_map(found)) == {"hand pain"}
    assert found["chief_complaint"] == "right hand pain"


def test_pain_in_the_back_is_still_back_pain() -> None:
    found = insights(("D", "What brings you in?"), ("P", "I have pain in my back."))
    assert set(symptom_map(found)) == {"back pain"}


def test_a_surface_word_without_of_is_left_as_it_was() -> None:
    found = insights(("D", "What brings you in?"), ("P", "I have pain on my back."))
    assert set(symptom_map(found)) == {"back pain"}
