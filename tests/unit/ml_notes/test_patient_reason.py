"""The chief complaint in the patient's own words (patient_reason.py): the answer to the opening question,
kept only where it reads as a clinician's phrase.  Sentences written for this test, not taken from a visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _cc(*turns: tuple[str, str]) -> str | None:
    return insights(*turns, ("D", "Okay, let me take a look."))["chief_complaint"]


@pytest.mark.parametrize(("question", "answer", "expected"), [
    ("What brings you in today?", "A burning red rash on my right arm since Sunday.", "burning red rash on the right arm"),
    ("What's going on?", "She has had a stabbing pain behind her left ear for two days.",
     "stabbing pain behind the left ear"),
    ("What can I do for you?", "I've had this dry cough for three weeks.", "dry cough"),
    ("How can I help?", "Swelling in both ankles, it started last month.", "swelling in both ankles"),
])
def test_the_answer_to_the_opening_question_is_the_chief_complaint(question: str, answer: str,
                                                                    expected: str) -> None:
    assert _cc(("D", question), ("P", answer)) == expected


@pytest.mark.parametrize(("answer", "unwanted"), [
    ("My tummy has been hurting for a week.", "tummy"),         # lay body word: the composed name
    ("I just can't sleep at night.", "can not"),               # told as a verb
    ("Crampy pains low in my belly.", "belly"),
])
def test_a_lay_or_verbal_answer_leaves_the_composed_name(answer: str, unwanted: str) -> None:
    cc = _cc(("D", "What brings you in today?"), ("P", answer))
    assert cc and unwanted not in cc


def test_a_denied_symptom_is_not_the_chief_complaint() -> None:
    cc = _cc(("D", "What brings you in today?"), ("P", "No pain at all, I need a refill of my inhaler."))
    assert cc is None or "pain" not in cc


def test_a_reason_the_clinician_states_comes_first() -> None:
    cc = _cc(("D", "You're here for follow-up of your hypertension. What's going on?"),
             ("P", "A sharp pain in my chest now and then."))
    assert cc == "follow-up of hypertension"


def test_without_an_opening_question_the_patient_words_are_not_taken() -> None:
    cc = _cc(("D", "Good morning."), ("P", "A burning red rash on my right arm since Sunday."))
    assert cc != "burning red rash on the right arm"


@pytest.mark.parametrize(("answer", "cc"), [
    ("I'm here for a follow up on my blood pressure.", "follow-up of blood pressure"),
    ("I came in for my annual physical.", "annual physical"),
    ("Hi, I'm here to talk about my diabetes.", "diabetes"),
    ("I'm here for this rash on my arm.", "rash on the arm"),
])
def test_the_patient_opens_with_the_kind_of_visit(answer: str, cc: str) -> None:
    """D183, phrasings written for this test: a follow-up or a physical the patient names had no chief complaint
    (only symptoms were read from the answer to the opening question)."""
    assert _cc(("D", "What brings you in today?"), ("P", answer)) == cc


def test_a_reason_that_names_nothing_clinical_is_no_chief_complaint() -> None:
    """D183: "I'm here for my son." names no symptom, condition or kind of visit."""
    assert _cc(("D", "What brings you in today?"), ("P", "I'm here for my son.")) is None


def test_a_vague_noun_between_the_symptom_and_its_place_is_left_out() -> None:
    """D243: "this red rash thing on her arm" is told as the red rash on the arm."""
    ins = insights(("D", "What brings you in today?"), ("P", "She has this red rash thing on her arm."))
    assert ins["chief_complaint"] == "red rash on the arm"
