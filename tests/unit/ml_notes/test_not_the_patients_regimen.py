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
