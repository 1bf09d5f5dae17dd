"""D238: allergies a clinician puts on the list, a relative's told as an adjective, one taken back in the same
breath, and a drug only asked about ever having had (phrasings written for these tests, not from a visit)."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _facts(*turns: tuple[str, str]) -> tuple[dict[str, str | None], dict[str, str]]:
    ins = insights(*turns)
    return ({a["substance"]: a["reaction"] for a in ins["allergies"]},
            {m["name"]: m["status"] for m in ins["medications"]})


def test_an_allergy_taken_back_is_neither_an_allergy_nor_a_drug() -> None:
    allergies, meds = _facts(("D", "Any allergies?"), ("F", "Sulfa. No, wait, that's my husband. She doesn't have any."))
    assert allergies == {} and meds == {}


def test_a_relatives_allergy_said_as_an_adjective_is_not_the_patients() -> None:
    allergies, meds = _facts(("D", "Any allergies?"), ("F", "Not her. Her mom is apparently codeine allergic."))
    assert allergies == {} and meds == {}


def test_a_substance_the_clinician_puts_on_the_allergy_list_is_an_allergy() -> None:
    allergies, _meds = _facts(("D", "I'm adding cefdinir to his allergy list."))
    assert allergies == {"cefdinir": None}


def test_a_drug_stopped_for_the_reaction_stays_as_stopped_beside_the_allergy() -> None:
    allergies, meds = _facts(("D", "What is he taking?"), ("F", "He's been on cefdinir for his ear since Monday."),
                             ("D", "Stop the cefdinir. I'm adding cefdinir to his allergy list."))
    assert allergies == {"cefdinir": None} and meds == {"cefdinir": "stopped"}


def test_a_drug_only_asked_about_ever_having_had_is_no_regimen() -> None:
    _allergies, meds = _facts(("D", "Has he ever had cefdinir before?"), ("F", "Once, when he was two."))
    assert meds == {}


def test_an_allergy_named_before_a_penicillin_allergy_label_is_no_drug() -> None:
    _allergies, meds = _facts(("D", "A penicillin allergy label follows you for life."))
    assert meds == {}


@pytest.mark.parametrize("said", [
    "I'm allergic to penicillin. Does that matter for her?",
    "Cefdinir gave her hives. I'm the one who's allergic to penicillin, not her.",
    "He's not allergic to anything. I'm the sulfa one in this family.",
])
def test_a_companion_s_own_allergy_is_neither_the_patient_s_allergy_nor_a_drug(said: str) -> None:
    """D248: a parent or spouse (role other) telling of their own allergy in the first person."""
    allergies, meds = _facts(("D", "Any allergies to medicines?"), ("F", said))
    assert "penicillin" not in allergies and "sulfa" not in allergies and not meds


def test_the_patient_s_own_first_person_allergy_is_kept() -> None:
    allergies, _meds = _facts(("D", "Any allergies?"), ("P", "I'm allergic to penicillin."))
    assert "penicillin" in allergies


def test_a_food_eaten_after_a_relative_s_food_allergy_is_no_allergy() -> None:
    """D248: "His dad is allergic to peanuts, but Mateo eats peanut butter every day": the food outside the
    allergy clause needs its own word of allergy (D158), even in a sentence that has one."""
    allergies, _meds = _facts(("D", "Any allergies?"),
                              ("F", "No allergies. His dad is allergic to peanuts, but Mateo eats peanut butter every day."))
    assert allergies == {}
