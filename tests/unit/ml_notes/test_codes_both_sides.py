"""Coding (D320): a bilateral condition without a bilateral code gets the right and the left code; the category's own
unspecified code goes beside a subcategory; pertussis, paronychia and patellofemoral pain syndrome are known."""
from __future__ import annotations

import pytest

from ._dialogue import insights


def _codes(text: str) -> list[str]:
    return [d["icd10"] for d in insights(("D", text))["diagnoses"]]


def test_both_knees_without_a_bilateral_code() -> None:
    assert _codes("This is patellofemoral pain syndrome, in both knees.") == ["M22.2X1", "M22.2X2"]


def test_a_bilateral_code_is_kept() -> None:
    assert _codes("This is otitis media in both ears.") == ["H66.93"]


def test_the_categorys_unspecified_code_goes_beside_a_subcategory() -> None:
    codes = _codes("This is blepharitis. It's inflammation of the eyelid edges.")
    assert "H01.9" not in codes and any(c.startswith("H01.0") for c in codes)


@pytest.mark.parametrize("text, code", [
    ("This is pertussis.", "A37.00"),
    ("What you have is an acute paronychia.", "L03.019"),
    ("You have patellofemoral pain syndrome.", "M22.2X9"),
])
def test_known_conditions(text: str, code: str) -> None:
    assert _codes(text) == [code]
