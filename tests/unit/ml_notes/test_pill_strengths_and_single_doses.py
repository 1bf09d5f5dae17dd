"""Pill strengths said apart from the count, a drug named after "for ...", single doses, "more often" (D346)."""
from __future__ import annotations

from ._dialogue import medications_by_name as _meds


def test_strength_named_after_the_count() -> None:
    got = _meds(("D", "Are you still taking the fish oil?"),
                ("P", "Yes, one capsule every morning. The thousand milligram ones."))["fish oil"]
    assert (got["dose"], got["frequency"]) == ("1000 mg", "once daily")


def test_strength_set_off_after_a_pill_name() -> None:
    got = _meds(("D", "Keep using the Tylenol. Two of the extra strength, the five hundred milligram ones, every six "
                      "hours if you need them."))["acetaminophen"]
    assert got["dose"] == "1000 mg"


def test_drug_named_after_what_it_is_for() -> None:
    got = _meds(("D", "For pain, ibuprofen, the regular Advil. Two of the two hundred milligram tablets, every eight "
                      "hours if needed, with food."))["ibuprofen"]
    assert (got["dose"], got["frequency"], got["status"]) == ("400 mg", "every 8 hours as needed with food", "new")


def test_a_single_dose() -> None:
    got = _meds(("D", "So, for you, Missus Petrakis, azithromycin. Two of the five hundred milligram tablets, "
                      "together, one time only."))["azithromycin"]
    assert (got["dose"], got["frequency"], got["status"]) == ("1000 mg", "once", "new")


def test_taken_more_often_is_a_change() -> None:
    got = _meds(("P", "Tylenol, a thousand milligrams, it takes the edge off."),
                ("D", "Take the Tylenol more often, 1,000 milligrams three times a day."))["acetaminophen"]
    assert (got["dose"], got["frequency"], got["status"]) == ("1000 mg", "three times daily", "changed")


def test_another_persons_strength_is_not_the_dose() -> None:
    got = _meds(("D", "Any other medicine?"),
                ("P", "Metformin, two tablets twice a day. My wife takes the five hundred milligram ones."))["metformin"]
    assert got["dose"] == "2 tablets"
