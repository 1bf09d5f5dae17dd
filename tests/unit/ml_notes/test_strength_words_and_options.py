"""A strength said between a count and its unit; wheezing as a reaction; a drug that only exists, or that "some girls
do better on", is not given (D315)."""
from __future__ import annotations

from ._dialogue import insights, medication_map


def test_a_double_strength_tablet_keeps_its_regimen() -> None:
    got = medication_map(("D", "I'm prescribing sulfamethoxazole trimethoprim, that's Bactrim. One double strength "
                               "tablet twice a day for fourteen days."))
    assert got["sulfamethoxazole trimethoprim"] == ("1 double-strength tablet", "twice daily")


def test_wheezing_is_a_reaction() -> None:
    got = insights(("D", "Any allergies?"), ("P", "Aspirin. It makes me wheeze. Bad."))
    assert got["allergies"] == [{"substance": "aspirin", "reaction": "wheezing"}]


def test_a_drug_that_exists_is_not_added() -> None:
    got = medication_map(("D", "There is a prescription capsule, benzonatate, but it doesn't do much for this, so "
                               "I'm not going to add it."))
    assert "benzonatate" not in got


def test_what_some_girls_do_better_on_is_not_started() -> None:
    got = medication_map(("D", "Keep the Zyrtec the same. Some girls do better on a birth control pill. That's "
                               "something we can talk about later."))
    assert list(got) == ["cetirizine"]
