"""A count of an over-the-counter brand sold in one strength is a dose in mg (D334)."""
from __future__ import annotations

from ._dialogue import medication_map


def _said(text: str) -> dict[str, tuple[str | None, str | None]]:
    return medication_map(("D", "What do you take?"), ("P", text))


def test_two_advil_is_400_mg() -> None:
    assert _said("I take two Advil before practice.")["ibuprofen"][0] == "400 mg"


def test_aleve_then_one_is_220_mg() -> None:
    assert _said("And Aleve, one every morning.")["naproxen"] == ("220 mg", "once daily")


def test_extra_strength_tylenol_is_500_a_tablet() -> None:
    assert _said("Two extra strength Tylenol.")["acetaminophen"][0] == "1000 mg"


def test_plain_tylenol_has_no_single_strength() -> None:
    assert _said("I took two Tylenol this morning.")["acetaminophen"][0] is None


def test_childrens_advil_is_a_liquid() -> None:
    assert _said("Children's Advil, two teaspoons.")["ibuprofen"][0] == "2 teaspoons"


def test_a_said_strength_wins() -> None:
    assert _said("I took 800 mg of Advil.")["ibuprofen"][0] == "800 mg"


def test_a_couple_of_times_is_no_count() -> None:
    assert _said("Advil, a couple of times a week.")["ibuprofen"][0] is None
