"""A drug taken when a symptom calls for it is taken as needed (D354)."""
from __future__ import annotations

import pytest

from ._dialogue import medications_by_name as _meds


@pytest.mark.parametrize(("turn", "drug"), [
    (("P", "And two Advil when one's really throbbing."), "ibuprofen"),
    (("F", "The albuterol inhaler, two puffs when he's wheezy, which is hardly ever."), "albuterol"),
    (("P", "I take Tylenol when my back hurts."), "acetaminophen"),
])
def test_taken_when_a_symptom_calls_for_it(turn: tuple[str, str], drug: str) -> None:
    assert _meds(turn)[drug]["frequency"] == "as needed"


def test_a_schedule_with_if_sore_is_as_needed() -> None:
    got = _meds(("D", "The Advil is fine. Two tablets, every six to eight hours with food, if it's sore."))["ibuprofen"]
    assert got["frequency"] == "every 6 to 8 hours as needed with food"


def test_a_fixed_schedule_stays_fixed() -> None:
    got = _meds(("P", "Lisinopril ten milligrams every morning, it keeps my pressure down."))["lisinopril"]
    assert got["frequency"] == "once daily"
