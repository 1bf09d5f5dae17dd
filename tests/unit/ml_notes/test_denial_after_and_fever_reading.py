"""D252: a denial said after the finding ("Rash, not that I've noticed.") and a febrile reading that answers
"Any fever?" (phrasings written for these tests, not from a visit)."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


def test_a_not_that_i_have_noticed_after_the_finding_denies_it() -> None:
    said = symptom_map(insights(("D", "Headache? Any rash?"), ("P", "Headaches, on and off. Rash, not that I've noticed.")))
    assert said["rash"] == (False, None) and said["headache"][0] is True


@pytest.mark.parametrize("answer", [
    "I get chills at night, and I checked once, it was a hundred and one.",
    "My temp hit thirty eight point five on Sunday.",
])
def test_a_febrile_reading_answers_the_fever_question(answer: str) -> None:
    assert symptom_map(insights(("D", "Any fever?"), ("P", answer)))["fever"] == (True, None)


@pytest.mark.parametrize("answer", [
    "I checked, it was ninety nine.",  # not febrile
    "No. I weighed myself, it was a hundred and two pounds.",  # a denial, and no temperature
])
def test_no_fever_from_a_normal_reading_or_a_denial(answer: str) -> None:
    assert symptom_map(insights(("D", "Any fever?"), ("P", answer))).get("fever", (False, None))[0] is False


@pytest.mark.parametrize(("question", "answer", "name"), [
    ("Has she had a fever?", "Fever? No. She's been bouncing off the walls.", "fever"),  # an echo, then "no"
    ("Any cough, fever, a recent cold?", "Fever, no. I had a cold back in November.", "fever"),  # "X, no."
    ("Any blood on the toilet paper or in the poop?", "I've looked. No blood.", "blood in stool"),  # a preface
])
def test_an_echo_a_trailing_no_or_a_preface_does_not_turn_a_denial_into_a_finding(question: str, answer: str,
                                                                                     name: str) -> None:
    """D253: each of these wrote the denied symptom as present."""
    assert symptom_map(insights(("D", question), ("F", answer)))[name] == (False, None)


@pytest.mark.parametrize(("answer", "present"), [
    ("Headaches? All the time.", True),  # an echo not denied keeps the finding
    ("Headaches? No, never.", False),
])
def test_an_echo_is_read_with_the_sentence_after_it(answer: str, present: bool) -> None:
    assert symptom_map(insights(("D", "Any headaches?"), ("P", answer)))["headache"][0] is present


@pytest.mark.parametrize(("said", "present"), [
    ("I had heartburn years ago, after my gallbladder came out.", None),  # an episode that is over
    ("I had a rash two years ago.", None),
    ("I've had a rash for two years.", True),  # goes on
    ("It started two years ago, this rash.", True),
    ("I had a rash two years ago and it's back now.", True),
])
def test_a_past_episode_dated_years_ago_is_no_current_finding(said: str, present: bool | None) -> None:
    """D254."""
    found = symptom_map(insights(("D", "Anything else?"), ("P", said)))
    assert (next(iter(found.values()))[0] if found else None) is present


@pytest.mark.parametrize(("said", "present", "absent"), [
    ("It's like a toothache in my wrist.", None, "tooth pain"),  # D258: a comparison for another part
    ("It feels like a headache in my neck.", None, "headache"),
    ("It's like a burning feeling when I pee.", "painful urination", None),  # no other part: a finding
])
def test_a_symptom_named_as_a_comparison_for_another_part_is_no_finding(said: str, present: str | None,
                                                                        absent: str | None) -> None:
    found = symptom_map(insights(("D", "What brings you in?"), ("P", said)))
    assert (present is None or found[present][0] is True) and (absent is None or absent not in found)


@pytest.mark.parametrize(("question", "name"), [
    ("Any swelling or redness in the finger?", "finger redness"),  # D261: redness takes its place
    ("Any redness in your eyes?", "eye redness"),
    ("Any redness?", "redness"),
])
def test_redness_is_named_by_its_place(question: str, name: str) -> None:
    assert symptom_map(insights(("D", question), ("P", "No.")))[name] == (False, None)


def test_red_skin_is_still_skin_redness() -> None:
    assert symptom_map(insights(("D", "What's going on?"), ("P", "My skin is red and itchy.")))["skin redness"][0] is True


def test_a_reaction_told_of_a_body_part_after_the_allergen_is_no_symptom() -> None:
    """D262: "Latex. My hands break out in an itchy rash from the gloves." tells the reaction, not a complaint."""
    ins = insights(("D", "Any allergies?"), ("P", "Latex. My hands break out in an itchy rash from the gloves."))
    assert symptom_map(ins) == {} and [a["substance"] for a in ins["allergies"]] == ["latex"]


def test_a_body_part_breaking_out_outside_an_allergy_answer_is_a_symptom() -> None:
    assert symptom_map(insights(("D", "What brings you in?"), ("P", "My hands break out in a rash every winter.")))["rash"][0]


@pytest.mark.parametrize(("said", "names"), [
    ("Any eye pain or redness?", {"eye pain", "eye redness"}),  # D266: the place said first covers the list
    ("Any pain in the knee or swelling?", {"knee pain", "swelling"}),  # a place said after its item stays its own
])
def test_a_place_said_before_a_list_carries_to_its_next_item(said: str, names: set[str]) -> None:
    assert set(symptom_map(insights(("D", said), ("P", "No.")))) == names
