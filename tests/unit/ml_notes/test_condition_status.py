"""D208: a clinician who states the status of the patient's condition ("your diabetes is well controlled")
says the patient has it; poorly controlled diabetes is coded with hyperglycemia.  Phrasings written for this
test, not taken from any visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _codes(*turns: tuple[str, str]) -> list[str]:
    return [d["icd10"] for d in insights(*turns)["diagnoses"]]


@pytest.mark.parametrize(("said", "code"), [
    ("Your hypertension has been stable on the lisinopril.", "I10"),
    ("Your diabetes is well controlled, so we will keep the metformin.", "E11.9"),
    ("Your A1c is 9, so your diabetes is not well controlled.", "E11.65"),
    ("Your eczema seems to be flaring again.", "L20.9"),
])
def test_a_stated_status_codes_the_condition(said: str, code: str) -> None:
    assert _codes(("D", said)) == [code]


@pytest.mark.parametrize("said", [
    "Your pain is better.",                      # a symptom (R) code is never coded from a status
    "Your mother's diabetes is well controlled.",  # a relative's condition
    "If your asthma is worse, come back.",       # hypothetical
    "Your blood pressure is stable.",            # no condition named
])
def test_no_code_without_the_patients_condition(said: str) -> None:
    assert _codes(("D", said)) == []


def test_a_vaguer_restatement_does_not_replace_the_specific_diagnosis() -> None:
    codes = _codes(("D", "This is acute on chronic systolic heart failure, so your heart failure is flaring up."))
    assert codes == ["I50.23"]
