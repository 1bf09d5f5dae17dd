""""The treatment is X" starts it; a count of pills in the regimen sentence after the drug (D342)."""
from __future__ import annotations

from ._dialogue import insights


def _meds(*turns: tuple[str, str]) -> dict[str, dict]:
    return {m["name"]: m for m in insights(*turns)["medications"]}


def test_the_treatment_is_starts_the_drug() -> None:
    got = _meds(("D", "The treatment is metronidazole, an antibiotic. Five hundred milligrams, twice a day, for seven "
                      "days."))["metronidazole"]
    assert (got["dose"], got["frequency"], got["status"]) == ("500 mg", "twice daily", "new")


def test_a_count_of_pills_in_the_next_sentence() -> None:
    got = _meds(("D", "Keep the Advil, but let's make it regular for one week. Three of the two hundred milligram "
                      "tablets, three times a day, with food."))["ibuprofen"]
    assert got["dose"] == "600 mg"
