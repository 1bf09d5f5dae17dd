"""Questions about drugs the patient cannot take, asked in other words than "allergies", and an answer that lists
a drug taken before an allergy (D184).  Phrasings written for this test, not taken from a visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _meds_and_allergies(*turns: tuple[str, str]) -> tuple[dict[str, str], dict[str, str | None]]:
    ins = insights(*turns)
    return ({m["name"]: m["status"] for m in ins["medications"]},
            {a["substance"]: a["reaction"] for a in ins["allergies"]})


@pytest.mark.parametrize("question", [
    "Any reactions to medicines in the past?",
    "Have you ever had a bad reaction to a medication?",
    "Any medicines that don't agree with you?",
])
def test_a_drug_named_in_answer_to_a_reaction_question_is_an_allergy_not_a_medication(question: str) -> None:
    """The drug had been written as an active medication (the question's "medicines" read as "what do you take")."""
    meds, allergies = _meds_and_allergies(("D", question), ("P", "Codeine."))
    assert meds == {} and allergies == {"codeine": None}


def test_a_drug_taken_listed_before_an_allergy_is_no_allergy() -> None:
    """"Lisinopril, and penicillin gives me hives." had written lisinopril as an allergy and not as a medication:
    the singular verb is penicillin's alone; "Penicillin and sulfa give me hives" still names both."""
    meds, allergies = _meds_and_allergies(("D", "What medicines are you taking, and any allergies?"),
                                          ("P", "Lisinopril, and penicillin gives me hives."))
    assert meds == {"lisinopril": "active"} and allergies == {"penicillin": "hives"}
    _meds, allergies = _meds_and_allergies(("D", "Any allergies?"), ("P", "Penicillin and sulfa give me hives."))
    assert set(allergies) == {"penicillin", "sulfa"}
