"""D116: a complaint told without its place ("it swelled up") takes the one body part the patient's
opening names as someone's ("my right ankle"); never another person's or one of several.  Phrasings
written for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


def test_the_opening_body_part_locates_the_complaint() -> None:
    found = insights(("D", "What happened?"), ("P", "I fell off my bike and landed on my left wrist."),
                     ("P", "It swelled up straight away."))
    assert found["chief_complaint"].startswith("left wrist swelling")


def test_somebody_elses_body_part_locates_nothing() -> None:
    found = insights(("D", "What happened?"), ("P", "I stepped on somebody's foot at the game."),
                     ("P", "It swelled up straight away."))
    assert "foot" not in found["chief_complaint"]


def test_two_body_parts_locate_nothing() -> None:
    found = insights(("D", "What happened?"), ("P", "I fell on my wrist and my knee."),
                     ("P", "It swelled up straight away."))
    assert "wrist" not in found["chief_complaint"] and "knee" not in found["chief_complaint"]


def test_the_clinicians_opening_question_may_name_the_place() -> None:
    # D123: "problems with your right hip?" / "yeah" / "it hurts when I walk" is right hip pain
    found = insights(("D", "Good morning."), ("P", "Good morning."), ("D", "How are you doing?"),
                     ("P", "I'm doing well."), ("D", "So you've been having some problems with your right hip?"),
                     ("P", "Yeah. It hurts when I walk."))
    assert found["chief_complaint"] == "right hip pain"


def test_a_place_named_after_the_complaint_is_not_its_place() -> None:
    found = insights(("D", "What brings you in?"), ("P", "It hurts when I walk."),
                     ("D", "Any trouble with your right hip in the past?"))
    assert "hip" not in (found["chief_complaint"] or "")


@pytest.mark.parametrize(("answer", "pain"), [
    ("My right shoulder. For a couple of weeks it hurts on the outside of my arm when I reach up.", "shoulder pain"),
    ("My back. It hurts down my leg.", "back pain"),
    ("My knee. It hurts when I climb stairs.", "knee pain"),
])
def test_a_pain_whose_subject_is_it_is_of_the_body_part_just_named_alone(answer: str, pain: str) -> None:
    """D166: the answer "My right shoulder." makes the shoulder what "it hurts" speaks of; "on the outside of my
    arm" says where it is felt."""
    found = symptom_map(insights(("D", "What brings you in today?"), ("P", answer)))
    assert found.get(pain, (None,))[0] is True
    assert not {"arm pain", "leg pain"} & set(found)


@pytest.mark.parametrize(("answer", "concept", "present"), [
    ("My nose, doc. For about three weeks it's been running like a faucet.", "runny nose", True),
    ("My nose. It's not running, just stuffy.", "runny nose", False),
    ("My eye. It's been red for two days.", "eye redness", True),
])
def test_what_it_is_said_to_be_after_a_bare_body_part(answer: str, concept: str, present: bool) -> None:
    """D167: "My nose. It's been running" reads as "my nose has been running" (D156's reading, through "it")."""
    found = symptom_map(insights(("D", "What's bothering you today?"), ("P", answer)))
    assert found.get(concept, (None,))[0] is present


def test_a_complaint_set_aside_as_not_the_reason_is_neither_the_chief_complaint_nor_dated() -> None:
    """D259: "a little cough at night, but honestly that's not why we're here. It's this rash on her arm." """
    ins = insights(("D", "What brings you in today?"),
                   ("F", "She's got a little cough at night, but honestly that's not why we're here. "
                         "It's this itchy rash on her arm."),
                   ("D", "When did that start?"), ("F", "About a week now."))
    assert "cough" not in (ins["chief_complaint"] or "")
    assert symptom_map(ins)["cough"] == (True, None)


def test_a_complaint_not_set_aside_stays_the_chief_complaint() -> None:
    ins = insights(("D", "What brings you in today?"), ("P", "I've had a cough at night for a week."))
    assert "cough" in ins["chief_complaint"]
