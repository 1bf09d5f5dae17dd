"""Drugs said but not taken by the patient: someone else's, an option weighed, a prescription never started
(D185).  Phrasings written for this test, not taken from a visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _meds(*turns: tuple[str, str]) -> dict[str, str]:
    return {m["name"]: m["status"] for m in insights(*turns)["medications"]}


@pytest.mark.parametrize("said", [
    "My wife takes metformin, but I don't take anything.",
    "My husband is on lisinopril, not me.",
])
def test_a_relatives_drug_is_not_the_patients(said: str) -> None:
    """Each had been written as the patient's active medication."""
    assert _meds(("D", "What medicines do you take?"), ("P", said)) == {}


@pytest.mark.parametrize("said", [
    "If the pain gets worse, we might consider gabapentin.",
    "If the pain gets worse, we could try gabapentin.",
    "Some people take melatonin for sleep, but I don't recommend it for you.",
])
def test_an_option_weighed_or_what_other_people_take_is_no_regimen(said: str) -> None:
    """Written as active or new before; a decision ("let's start metformin") is still one."""
    assert _meds(("D", said)) == {}
    assert _meds(("D", "Let's start metformin. We might consider adding gabapentin later.")) == {"metformin": "new"}


@pytest.mark.parametrize("said", [
    "I was prescribed atorvastatin but I never filled it.",
    "I'm supposed to take atorvastatin but I haven't been taking it.",
])
def test_a_prescription_never_started_is_not_active(said: str) -> None:
    assert _meds(("D", "What medicines do you take?"), ("P", said)) == {"atorvastatin": "stopped"}


def test_the_patient_taking_a_relatives_pills_is_the_patients() -> None:
    assert _meds(("D", "What medicines do you take?"),
                 ("P", "I take my husband's Vicodin sometimes for the pain.")) == {"hydrocodone acetaminophen": "active"}


@pytest.mark.parametrize("said", [
    "A coworker of mine takes sumatriptan for these. Would that help me?",
    "Somebody said I should ask. A guy at work takes zolpidem and sleeps great.",
    "My neighbour got tramadol after her surgery. Could I have that?",
    "My cousin is on sertraline and swears by it.",
])
def test_a_friends_or_colleagues_drug_asked_about_is_not_the_patients(said: str) -> None:
    """D225: the people named beside "my wife" and "my friend" (D185) were too few; each was written as the
    patient's medication."""
    assert _meds(("D", "Any other questions?"), ("P", said)) == {}


def test_a_drug_someone_started_the_patient_on_is_still_the_patients() -> None:
    """"my friend got me started on ..." is the patient's own regimen, not the friend's."""
    said = "My sister got me started on melatonin, 3 mg at night, and I take it every night."
    assert _meds(("D", "What do you take?"), ("P", said)) == {"melatonin": "active"}


def test_a_near_spelling_in_a_question_adds_no_drug() -> None:
    """D228: a drug named once and declined ("you don't need prednisone") came back as the patient's active drug
    from a later question whose words only sounded near it ("... give up gardening?")."""
    assert _meds(("D", "I don't think you need prednisone."), ("P", "Do I have to give up gardening?")) == {}
    assert _meds(("D", "Keep taking the prednisone, 10 mg daily."), ("P", "Do I have to give up gardening?")) == \
        {"prednisone": "active"}


@pytest.mark.parametrize("turns", [
    (("P", "I looked up my symptoms online. I read about prednisone."),),
    (("P", "Should I take magnesium too?"), ("D", "No need, your diet covers it.")),
    (("P", "My brother has some tramadol left over. Could I have a few?"),),
    (("D", "Diclofenac gel is an option, but I'd start with ice and rest."),),
    (("D", "Codeine used to be the standard, but we don't give it to children now."),),
    (("D", "Skip the aspirin for now."),),
    (("P", "My aunt had the same thing. She took colchicine for years."),),
])
def test_a_drug_read_about_asked_about_weighed_or_someone_elses_is_no_regimen(
        turns: tuple[tuple[str, str], ...]) -> None:
    """D234: each had been written as the patient's active medication."""
    assert _meds(*turns) == {}


def test_a_relatives_own_use_in_the_first_person_is_not_the_patients() -> None:
    """D234: a relative (role other) saying what they take themselves; what they give the patient still counts."""
    assert _meds(("D", "Any medicines?"), ("F", "When I had shingles they gave me gabapentin. Is it that?")) == {}
    assert _meds(("D", "Any medicines?"), ("F", "I give him amoxicillin twice a day.")) == {"amoxicillin": "active"}


def test_the_patients_own_drug_said_after_a_relative_is_still_the_patients() -> None:
    """D234 reads "she's on" as the named relative's only; the patient's own "I take" stays."""
    assert _meds(("D", "Any medicines?"), ("P", "My sister has diabetes. I take metformin myself.")) == {
        "metformin": "active"}


@pytest.mark.parametrize("turns", [
    (("P", "My buddy from work takes metformin. Do I need it?"),),
    (("P", "My mom swears by her prednisone pills."), ("D", "Please don't take your mom's prednisone.")),
    (("P", "My mom carries an EpiPen for her bee allergy."),),
    (("P", "My dad had a heart attack. That's why I worry. He still carries nitroglycerin."),),
    (("P", "My roommate gave me her leftover amoxicillin. I didn't take it, though."),),
])
def test_someone_else_s_drug_a_drug_class_or_a_drug_never_taken_is_no_regimen(turns) -> None:
    """D249: phrasings written for this test."""
    assert _meds(*turns) == {}


@pytest.mark.parametrize(("turns", "expected"), [
    ((("P", "My wife keeps me on track with my metformin."),), {"metformin": "active"}),
    ((("P", "I take ibuprofen most days. I didn't take it today."),), {"ibuprofen": "active"}),
    ((("F", "I've been giving her children's Tylenol every six hours."),), {"acetaminophen": "active"}),
])
def test_the_patient_s_own_drug_stays_beside_those_phrasings(turns, expected) -> None:
    assert _meds(*turns) == expected


def test_the_class_a_drug_is_said_to_be_in_is_no_drug() -> None:
    assert "penicillin" not in _meds(("D", "I'm starting Augmentin."), ("P", "Augmentin's a penicillin, right?"))
