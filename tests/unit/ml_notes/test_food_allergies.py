"""D158: the major food allergens of US law as allergy substances, each tree nut by its name; a food is an
allergy only when said so (an allergy word, a reaction, or an answer naming only it); "what you are
describing is X" states a diagnosis.  Phrasings written for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _allergies(said: str) -> list[tuple[str, str | None]]:
    return [(a["substance"], a["reaction"]) for a in insights(("D", "Any allergies?"), ("P", said))["allergies"]]


def test_a_tree_nut_with_a_reaction_is_an_allergy_by_its_own_name() -> None:
    assert _allergies("No drug allergies, but walnuts make my mouth swell.") == [("walnuts", "swelling")]
    assert _allergies("I'm allergic to sesame, I get hives.") == [("sesame", "hives")]


@pytest.mark.parametrize("said", ["Just fish oil and a multivitamin.", "I eat peanuts every day.",
                                  "I drink milk with breakfast."])
def test_a_food_named_without_an_allergy_is_none(said: str) -> None:
    assert _allergies(said) == []


def test_an_answer_that_names_only_foods_is_an_allergy() -> None:
    assert _allergies("Peanuts and shellfish.") == [("peanuts", None), ("shellfish", None)]


def test_what_you_are_describing_states_a_diagnosis() -> None:
    found = insights(("P", "I worry about everything, all day."),
                     ("D", "What you're describing is generalized anxiety disorder."))["diagnoses"]
    assert [d["icd10"] for d in found] == ["F41.1"]


@pytest.mark.parametrize("said", ["Just fish oil and a multivitamin.", "Only my prenatal vitamin."])
def test_a_vitamin_named_in_an_allergy_answer_is_no_allergy(said: str) -> None:
    """D257: a vitamin or supplement, like a food (D158), is an allergy only with an allergy word or a reaction."""
    assert _allergies(said) == []


def test_an_animal_allergy_with_its_reaction_in_the_next_sentence() -> None:
    """D263: "Cats, though. My eyes swell shut ..." is an allergy to cats with swelling, and no eye symptom."""
    ins = insights(("D", "Any allergies to medicines?"),
                   ("P", "None to medicines. Cats, though. My eyes swell shut if I sit on the wrong couch."))
    assert [(a["substance"], a["reaction"]) for a in ins["allergies"]] == [("cats", "swelling")]
    assert ins["symptoms"] == []


def test_an_animal_named_without_an_allergy_is_none() -> None:
    assert _allergies("We have two cats at home.") == []


@pytest.mark.parametrize(("said", "reaction"), [("Penicillin. Rash all over.", "rash"),
                                                ("Penicillin. Hives, all over my body.", "hives")])
def test_a_reaction_said_first_in_the_next_sentence(said: str, reaction: str) -> None:
    assert _allergies(said) == [("penicillin", reaction)]


def test_a_companion_s_reaction_fragment_after_their_own_allergen_is_no_symptom() -> None:
    ins = insights(("D", "Any allergies to medicines?"),
                   ("F", "He's not allergic to anything. I'm the sulfa one in this family. Hives from head to toe."))
    assert ins["symptoms"] == [] and ins["allergies"] == []
