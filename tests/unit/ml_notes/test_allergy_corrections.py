"""Allergies a companion corrects, lists as their own or a clinician restates; a drug taken for allergies; a drug
put off (D337)."""
from __future__ import annotations

from ._dialogue import insights


def _allergies(out: dict) -> dict[str, str | None]:
    return {a["substance"]: a["reaction"] for a in out["allergies"]}


def _meds(out: dict) -> set[str]:
    return {m["name"] for m in out["medications"]}


def test_a_daughter_corrects_the_allergy() -> None:
    out = insights(("D", "Any allergies?"), ("P", "Penicillin."),
                   ("F", "Dad, it's not penicillin. It's erythromycin. You threw up for two days on it, remember?"),
                   ("P", "Erythromycin. She's right."), ("D", "Okay. What do you take?"))
    assert _allergies(out) == {"erythromycin": "vomiting"}
    assert _meds(out) == set()


def test_a_wife_takes_her_own_allergy_back_and_names_his() -> None:
    out = insights(("D", "Any allergies?"), ("P", "Codeine. It makes me throw up."),
                   ("F", "That's me, honey. The codeine is mine. You're the penicillin one. You broke out in hives."),
                   ("P", "Right. Penicillin."), ("D", "Okay."))
    assert _allergies(out) == {"penicillin": "hives"}
    assert _meds(out) == set()


def test_a_companion_s_own_drug_in_a_later_answer_is_no_allergy() -> None:
    out = insights(("D", "Any allergies?"), ("P", "Sulfa, I get a rash."),
                   ("F", "I'm on Plavix myself, since my stent."), ("D", "Okay."))
    assert _allergies(out) == {"sulfa": "rash"}


def test_a_companion_s_list_after_their_own_allergy_is_theirs() -> None:
    out = insights(("D", "Any allergies to medicines?"),
                   ("F", "She's not allergic to anything. I'm the one who's allergic to everything. Sulfa, codeine, "
                         "you name it."))
    assert out["allergies"] == []
    assert _meds(out) == set()


def test_a_drug_taken_when_allergies_act_up_is_a_medication() -> None:
    out = insights(("D", "What do you take?"), ("P", "Just Zyrtec when my allergies act up. One pill a day."))
    assert _allergies(out) == {}
    assert _meds(out) == {"cetirizine"}


def test_the_clinician_restates_a_reaction() -> None:
    out = insights(("D", "Have you had antibiotics?"),
                   ("P", "Urgent care gave me Bactrim back in September, and I broke out in hives after three days, "
                         "so they stopped it."),
                   ("D", "So the Bactrim gave you hives. Any other allergies?"), ("P", "No."))
    assert _allergies(out) == {"sulfa": "hives"}
    assert "sulfamethoxazole trimethoprim" not in _meds(out)


def test_sulfamethoxazole_is_a_sulfa_allergy() -> None:
    out = insights(("D", "Any allergies?"), ("P", "Sulfamethoxazole. I got hives."))
    assert _allergies(out) == {"sulfa": "hives"}


def test_a_drug_named_and_put_off_is_not_started() -> None:
    out = insights(("D", "There's one called cilostazol that helps some people walk farther. I'd rather hold off and "
                         "see what walking does first."))
    assert _meds(out) == set()


def test_an_alternative_not_chosen_is_not_started() -> None:
    out = insights(("F", "Should I buy the pinworm medicine at the pharmacy?"),
                   ("D", "That works too, it's pyrantel. But I'm going to prescribe mebendazole, one hundred "
                         "milligrams once."))
    assert _meds(out) == {"mebendazole"}


def test_a_clinician_s_warning_of_a_side_effect_is_no_allergy() -> None:
    out = insights(("D", "Start lisinopril ten milligrams daily. Lisinopril makes you cough sometimes, so tell me."))
    assert out["allergies"] == []
    assert _meds(out) == {"lisinopril"}
