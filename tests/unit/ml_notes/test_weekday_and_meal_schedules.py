"""One day of the week, one meal of the day, a count said before the drug (D350)."""
from __future__ import annotations

from ._dialogue import medications_by_name as _meds


def test_a_weekday_is_once_weekly() -> None:
    got = _meds(("P", "And the bone pill, alendronate, seventy milligrams on Sunday mornings."))["alendronate"]
    assert (got["dose"], got["frequency"]) == ("70 mg", "once weekly")


def test_one_meal_is_once_daily_with_it() -> None:
    got = _meds(("P", "And my cholesterol pill, atorvastatin, twenty milligrams with supper."))["atorvastatin"]
    assert got["frequency"] == "once daily with supper"


def test_a_schedule_with_a_meal_stays_the_schedule() -> None:
    got = _meds(("P", "Lisinopril, twenty milligrams, every morning with breakfast."))["lisinopril"]
    assert got["frequency"] == "once daily"


def test_a_count_before_the_drug() -> None:
    got = _meds(("P", "I take two of those Benadryl capsules every night at bedtime."))["diphenhydramine"]
    assert (got["dose"], got["frequency"]) == ("2 capsules", "at bedtime")
