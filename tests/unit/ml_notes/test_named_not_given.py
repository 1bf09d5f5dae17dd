"""What a name alone does not make a fact: a clinician's example or option, a drug judged not to help,
a near-spelling with nothing medical beside it (D72); a condition only repeated from the patient, a past
episode or a symptom (D73).  Phrasings written for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _meds(*turns: tuple[str, str]) -> dict[str, str]:
    return {m["name"]: m["status"] for m in insights(*turns)["medications"]}


@pytest.mark.parametrize("advice", [
    "Things like loratadine or Piriton can help the itching.",
    "Some anti-inflammatories, such as ibuprofen and naproxen, may help.",
    "You could think about paracetamol, or even co-codamol.",
    "I would give you an antibiotic, something called either nitrofurantoin, or trimethoprim.",  # D104
])
def test_drugs_named_as_examples_are_not_a_regimen(advice: str) -> None:
    assert _meds(("D", advice), ("P", "Okay.")) == {}


def test_an_example_with_a_dose_is_a_prescription() -> None:
    meds = _meds(("D", "I will give you something like cetirizine 10 mg once daily."), ("P", "Okay."))
    assert meds == {"cetirizine": "new"}


def test_a_drug_judged_not_to_help_is_not_given() -> None:
    assert _meds(("D", "Paracetamol on this occasion would not be helpful."), ("P", "Okay.")) == {}


def test_a_patient_s_like_is_a_filler_not_an_example() -> None:
    assert _meds(("D", "What do you take?"), ("P", "I take like ibuprofen every day.")) == {"ibuprofen": "active"}


def test_a_near_spelling_without_dose_or_verb_is_reviewed_not_written() -> None:
    ins = insights(("D", "Um, and paracetemol. Lots of fluids."), ("P", "Okay."))
    assert ins["medications"] == []
    assert [r["heard"] for r in ins["needs_review"]] == ["paracetemol"]


@pytest.mark.parametrize("said", [
    "And you say you have a cold.",
    "You mentioned that in the past you've had kidney stones.",
    "Since the last four days you've had a sore throat and a runny nose.",
])
def test_no_code_for_the_patient_s_words_a_past_episode_or_a_symptom(said: str) -> None:
    assert insights(("D", said), ("P", "Yes."))["diagnoses"] == []


def test_a_stated_diagnosis_is_still_coded() -> None:
    codes = [d["icd10"] for d in insights(("D", "It looks like you have a common cold."), ("P", "Okay."))["diagnoses"]]
    assert codes == ["J00"]


def test_a_drug_offered_as_something_that_may_help_is_not_given() -> None:
    assert _meds(("D", "Over the counter, loratadine can sometimes help with the itch."), ("P", "Okay.")) == {}
