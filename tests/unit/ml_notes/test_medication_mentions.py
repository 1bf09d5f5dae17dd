"""What a drug name alone does not make a medication: a clinician's example or option, a drug judged
not to help, and a near-spelling with nothing medical beside it.  Phrasings written for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _meds(*turns: tuple[str, str]) -> dict[str, str]:
    return {m["name"]: m["status"] for m in insights(*turns)["medications"]}


@pytest.mark.parametrize("advice", [
    "Things like loratadine or Piriton can help the itching.",
    "Some anti-inflammatories, such as ibuprofen and naproxen, may help.",
    "You could think about paracetamol, or even co-codamol.",
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
