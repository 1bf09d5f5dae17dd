"""D105: a switch stops one drug and starts the next; a stop takes no regimen said after a comma; a drug
named before a denial of allergies is no allergen; a drug said to be taken is no allergen; an allergic
reaction is no symptom; a follow-up "N weeks from now"."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _meds(ins: dict) -> dict:
    return {m["name"]: (m["status"], m.get("dose")) for m in ins["medications"]}


def test_a_switch_stops_one_drug_and_starts_the_other() -> None:
    ins = insights(("F", "We gave him Tylenol, but it did not help much."),
                   ("D", "Switch from Tylenol to ibuprofen, four hundred milligrams every eight hours with food."))
    assert _meds(ins) == {"acetaminophen": ("stopped", None), "ibuprofen": ("new", "400 mg")}


def test_a_switch_to_a_word_no_drug_leaves_its_dose_with_no_drug() -> None:
    # ASR heard ibuprofen as "I'm your prophet": the dose is not Tylenol's
    ins = insights(("D", "Switch from Tylenol to I'm your prophet, 400 mg every 8 hours with food."))
    assert _meds(ins) == {"acetaminophen": ("stopped", None)}


def test_a_stop_takes_no_regimen_said_after_a_comma() -> None:
    ins = insights(("P", "I tried melatonin, three milligrams at night."),
                   ("D", "Stop melatonin, 15 milligrams at bed time as needed."))
    assert _meds(ins)["melatonin"] == ("stopped", "3 mg")


def test_a_drug_named_before_a_denial_of_allergies_is_taken_not_an_allergen() -> None:
    ins = insights(("D", "What do you take at the moment, any drug allergies?"),
                   ("P", "Just a baby aspirin, 81 milligrams every morning, no allergies that I know of."))
    assert ins["allergies"] == [] and "aspirin" in _meds(ins)


def test_an_allergy_before_a_denial_of_others_stays() -> None:
    ins = insights(("D", "Any drug allergies?"), ("P", "I'm allergic to penicillin, no other allergies."))
    assert [a["substance"] for a in ins["allergies"]] == ["penicillin"]


def test_a_drug_said_to_be_taken_is_no_allergen_and_a_reaction_is_no_symptom() -> None:
    ins = insights(("D", "Any drug allergies?"), ("P", "I take Claritin every morning. And erythromycin makes me throw up."))
    assert ins["allergies"] == [{"substance": "erythromycin", "reaction": "vomiting"}]
    assert "loratadine" in _meds(ins)
    assert not [s for s in ins["symptoms"] if s["present"]]


def test_a_follow_up_from_now() -> None:
    ins = insights(("D", "Get a fasting lipid panel, and book that visit with me three months from now."))
    assert ins["follow_up"] == "3 months"


@pytest.mark.parametrize(("answer", "allergen"), [
    ("I got hives on amoxicillin.", "amoxicillin"),
    ("I broke out in a rash when I was on penicillin.", "penicillin"),
    ("I took amoxicillin and got hives.", "amoxicillin"),
    ("Penicillin, but no other allergies.", "penicillin"),
    ("Sulfa, no other allergies that I know of.", "sulfa"),
])
def test_an_allergy_stated_beside_taking_words_or_a_denial_of_others_stays(answer: str, allergen: str) -> None:
    # the readings above must not cost a stated allergy (patient safety)
    ins = insights(("D", "Any drug allergies?"), ("P", answer))
    assert allergen in {a["substance"] for a in ins["allergies"]}


@pytest.mark.parametrize("said", ["Climbing stairs makes me breathless.", "Walking makes me break out in a sweat."])
def test_an_activity_that_brings_on_a_symptom_is_no_allergic_reaction(said: str) -> None:
    assert [s for s in insights(("P", said))["symptoms"] if s["present"]]
