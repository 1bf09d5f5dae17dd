"""A strength said without its unit, set off by commas after the drug (D270)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


def _meds(said: str) -> dict[str, str | None]:
    out = insights(("D", "What do you take?"), ("P", said))
    return {m["name"]: m["dose"] for m in out["medications"]}


@pytest.mark.parametrize(
    ("said", "drug", "dose"),
    [
        ("Simvastatin, twenty, at bedtime, for cholesterol.", "simvastatin", "20 mg"),
        ("Metformin, five hundred, twice a day with meals.", "metformin", "500 mg"),
        ("And the amlodipine, five, in the morning.", "amlodipine", "5 mg"),
        ("Bupropion, one fifty, every morning.", "bupropion", "150 mg"),
    ],
)
def test_a_plausible_strength_of_an_oral_class_is_in_mg(said: str, drug: str, dose: str) -> None:
    assert _meds(said)[drug] == dose


@pytest.mark.parametrize(
    ("said", "drug"),
    [
        ("Lisinopril, one, in the morning.", "lisinopril"),  # a count, not 1 mg
        ("Levothyroxine, seventy five, every morning.", "levothyroxine"),  # micrograms
        ("Fluticasone, fifty, in each nostril.", "fluticasone"),  # micrograms
        ("Metformin, twenty, twice a day.", "metformin"),  # no such strength of its class
        ("Lipitor, twenty years now.", "atorvastatin"),  # not set off as a strength
    ],
)
def test_no_strength_where_the_unit_is_not_mg_or_the_number_is_no_dose(said: str, drug: str) -> None:
    assert _meds(said)[drug] is None
