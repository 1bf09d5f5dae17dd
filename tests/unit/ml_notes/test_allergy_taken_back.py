"""D238: allergies a clinician puts on the list, a relative's told as an adjective, one taken back in the same
breath, and a drug only asked about ever having had (phrasings written for these tests, not from a visit)."""

from __future__ import annotations

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
