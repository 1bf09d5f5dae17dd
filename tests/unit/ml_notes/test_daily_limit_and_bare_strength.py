"""A daily maximum is no once-daily dose; a bare strength followed by its schedule (D288)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


def _meds(*turns: tuple[str, str]) -> dict[str, tuple[str | None, str | None]]:
    return {m["name"]: (m["dose"], m["frequency"]) for m in insights(*turns)["medications"]}


@pytest.mark.parametrize(
    ("said", "frequency"),
    [
        ("Go ahead and stop the ibuprofen. Use Tylenol instead, up to three thousand milligrams a day.",
         "up to 3000 mg a day"),
        ("Take Tylenol, no more than four grams per day.", "up to 4 g a day"),  # grams as said (D298)
    ],
)
def test_a_daily_ceiling_is_written_as_one(said: str, frequency: str) -> None:
    assert _meds(("D", said))["acetaminophen"] == (None, frequency)


def test_a_dose_with_a_ceiling_after_it_keeps_its_dose() -> None:
    got = _meds(("D", "Take ibuprofen four hundred milligrams every six hours, no more than twelve hundred a day."))
    assert got["ibuprofen"] == ("400 mg", "every 6 hours")


def test_a_bare_strength_followed_by_its_schedule() -> None:
    got = _meds(("D", "What medicines do you take?"),
                ("P", "Lisinopril ten milligrams once a day and metformin five hundred twice a day."))
    assert got["metformin"] == ("500 mg", "twice daily")


def test_a_count_or_an_unrelated_number_is_no_strength() -> None:
    got = _meds(("D", "What medicines do you take?"), ("P", "Metformin two twice a day."))
    assert got["metformin"][0] is None
