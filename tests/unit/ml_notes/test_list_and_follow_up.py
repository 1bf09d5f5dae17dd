"""D159: the next drug of a prescribing list, with a regimen of its own, takes the list's verb; "let's check
on you in three months" is a follow-up; "light is okay" denies light sensitivity.  Phrasings written for
this test."""

from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_the_next_drug_of_a_prescribing_list_with_its_own_regimen_is_started() -> None:
    meds = {m["name"]: m["status"] for m in insights(
        ("D", "What do you take?"), ("P", "Lisinopril ten milligrams daily."),
        ("D", "I'm adding benzonatate, one hundred milligrams three times a day as needed, and an albuterol "
              "inhaler, two puffs every four hours as needed. Start amoxicillin five hundred milligrams twice a "
              "day, and your lisinopril is fine."))["medications"]}
    assert meds == {"lisinopril": "active", "benzonatate": "new", "albuterol": "new", "amoxicillin": "new"}


def test_checking_on_the_patient_in_a_while_is_a_follow_up() -> None:
    assert insights(("D", "Let's check on you in three months."))["follow_up"] == "3 months"


def test_light_that_is_okay_denies_light_sensitivity() -> None:
    found = symptom_map(insights(("D", "Does light bother you?"), ("P", "It's scratchy, and light is okay.")))
    assert found["photophobia"] == (False, None)
