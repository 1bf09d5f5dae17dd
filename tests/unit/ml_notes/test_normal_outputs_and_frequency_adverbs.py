"""An output said to be normal answers what was asked of it; a body part before an adverb of frequency; a
companion who has not seen a symptom; "nobody" denies (D329)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map

_ASKED = ("Have you noticed your skin or the whites of your eyes turning yellow? Dark urine, the color of tea? "
          "Pale stools, like clay?")


def test_normal_pee_and_bowel_movements_deny_what_was_asked() -> None:
    got = symptom_map(insights(("P", "My belly hurts."), ("D", _ASKED),
                               ("P", "Nobody's told me I look yellow, and my pee looks normal. "
                                     "My bowel movements are normal too.")))
    assert got["dark urine"] == (False, None) and got["pale stools"] == (False, None)
    assert got["jaundice"] == (False, None)
    assert "blood in urine" not in got and "diarrhea" not in got


def test_normal_urine_unasked_still_denies_blood_in_it() -> None:
    got = symptom_map(insights(("P", "I've had a fever."), ("D", "Anything else?"), ("P", "My urine looks normal.")))
    assert got["blood in urine"] == (False, None)


def test_either_knee_ever_puffed_up_is_knee_swelling() -> None:
    got = symptom_map(insights(("P", "My knees hurt."), ("D", "Any swelling? Has either knee ever puffed up?"),
                               ("P", "No.")))
    assert got["knee swelling"] == (False, None)


def test_a_knee_that_sometimes_gives_out() -> None:
    got = symptom_map(insights(("P", "My knee sometimes gives out.")))
    assert got == {"knee giving way": (True, None)}


def test_does_the_knee_ever_lock() -> None:
    got = symptom_map(insights(("P", "My knees hurt."), ("D", "Does the knee ever lock?"), ("P", "No.")))
    assert got["knee locking"] == (False, None)


def test_a_companion_who_has_not_seen_swelling_denies_it() -> None:
    got = symptom_map(insights(("P", "My knees hurt."), ("D", "Any swelling?"),
                               ("F", "I haven't seen any swelling. And I look, believe me.")))
    assert got["swelling"] == (False, None)


def test_a_companions_own_symptom_is_still_theirs() -> None:
    got = symptom_map(insights(("P", "My knees hurt."), ("D", "Anything else?"), ("F", "I have a cough myself.")))
    assert "cough" not in got
