"""A tablet named by its strength without a unit: "the twenty five", ", the eighty one", "zero point four" (D351);
"the Benadryl has to go" stops it (D352)."""
from __future__ import annotations

import pytest

from ._dialogue import medications_by_name as _meds


def test_the_number_right_after_the_drug() -> None:
    got = _meds(("P", "Eliquis, five milligrams, morning and night. And metoprolol, the twenty five, once a day."))
    assert got["metoprolol"]["dose"] == "25 mg"


def test_the_number_closing_the_clause() -> None:
    got = _meds(("P", "A baby aspirin every day, the eighty one."))["aspirin"]
    assert (got["dose"], got["frequency"]) == ("81 mg", "once daily")


def test_an_alpha_blocker_strength() -> None:
    got = _meds(("F", "Tamsulosin, zero point four, at bedtime, for his prostate."))["tamsulosin"]
    assert (got["dose"], got["frequency"]) == ("0.4 mg", "at bedtime")


def test_a_unitless_number_outside_the_class_range_is_no_dose() -> None:
    got = _meds(("P", "Levothyroxine every morning, the seventy five."))["levothyroxine"]
    assert got["dose"] is None


def test_a_drug_that_has_to_go_is_stopped() -> None:
    got = _meds(("P", "So I take two Benadryl capsules every night."),
                ("D", "First, the Benadryl has to go. It can really fog up the memory."))["diphenhydramine"]
    assert got["status"] == "stopped"


def test_asking_whether_it_has_to_go_stops_nothing() -> None:
    got = _meds(("P", "I take Benadryl every night."), ("D", "Does the Benadryl have to go?"))["diphenhydramine"]
    assert got["status"] == "active"


@pytest.mark.parametrize("told", ["The amoxicillin has to go in the fridge.", "The amoxicillin needs to go with food."])
def test_where_a_new_drug_has_to_go_is_no_stop(told: str) -> None:
    got = _meds(("D", f"I'm starting amoxicillin liquid, 500 milligrams three times a day. {told}"))["amoxicillin"]
    assert got["status"] == "new"
