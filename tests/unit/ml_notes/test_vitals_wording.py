"""A pulse with a remark before the reading, and today's reading compared with the last one (D267)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your pulse is quick, one twelve.", 112),
        ("Your pulse is a little fast at one twelve.", 112),
        ("Heart rate is up a bit, ninety eight.", 98),
    ],
)
def test_a_remark_between_pulse_and_its_reading(text: str, expected: int) -> None:
    assert insights(("D", text))["vitals"]["heart_rate"] == expected


def test_a_reading_the_same_as_last_time_is_today_s() -> None:
    vit = insights(("D", "Your blood pressure is one thirty six over eighty four, pulse seventy eight, and you're "
                         "one eighty nine pounds, same as last time."))["vitals"]
    assert (vit["bp_systolic"], vit["heart_rate"], vit["weight_kg"]) == (136, 78, 85.7)


def test_last_time_s_reading_is_still_not_today_s() -> None:
    vit = insights(("D", "Your weight was one eighty nine pounds last time, and your pulse was eighty last visit."))["vitals"]
    assert vit["weight_kg"] is None and vit["heart_rate"] is None
