"""Tablets named by their strength: "two of the five hundreds" (D272)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(
    ("said", "drug", "dose"),
    [
        ("Take ibuprofen, two of the two hundreds, three times a day.", "ibuprofen", "400 mg"),
        ("Take acetaminophen, Tylenol, two of the five hundreds every eight hours if you need it.", "acetaminophen",
         "1000 mg"),
        ("Take half a tablet of the twenty fives of metoprolol.", "metoprolol", "12.5 mg"),
        ("I take the Tylenol, the one thousands, at night.", "acetaminophen", "1000 mg"),
    ],
)
def test_a_count_of_tablets_named_by_strength(said: str, drug: str, dose: str) -> None:
    meds = {m["name"]: m["dose"] for m in insights(("D", said))["medications"]}
    assert meds[drug] == dose


def test_a_strength_outside_the_class_range_and_another_drug_s_strength_are_not_read() -> None:
    meds = {m["name"]: m["dose"] for m in insights(
        ("P", "I take the Tylenol, the tens."),
        ("P", "Two of the five hundreds of Tylenol, and then lisinopril in the morning."))["medications"]}
    assert meds["lisinopril"] is None


def test_a_drug_whose_class_has_no_mg_range_gets_no_mg_strength() -> None:
    """D294: levothyroxine is dosed in micrograms; "two of the fifties" must not become 100 mg."""
    for said in ("I take the levothyroxine, two of the fifties, every morning.",
                 "I take the Synthroid, the one hundreds, every morning."):
        meds = {m["name"]: m["dose"] for m in insights(("P", said))["medications"]}
        assert meds["levothyroxine"] is None
