"""More ways a clinician states a diagnosis (D289)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(
    ("said", "code"),
    [
        ("We're treating this as a UTI.", "N39.0"),
        ("It looks to me like plantar fasciitis.", "M72.2"),
        ("I would call this mild persistent asthma.", "J45.30"),
        ("Everything points to gout.", "M10.9"),
        ("That's your eczema flaring up.", "L20.9"),
        ("Pretty sure it's shingles.", "B02.9"),
    ],
)
def test_the_stated_diagnosis_is_coded(said: str, code: str) -> None:
    assert [d["icd10"] for d in insights(("D", said))["diagnoses"]] == [code]


@pytest.mark.parametrize(
    "said",
    ["I'm not sure this is shingles.", "If everything points to gout, we'll treat it.", "That's your knee, not your hip."],
)
def test_no_code_for_a_doubt_a_condition_or_no_condition(said: str) -> None:
    assert insights(("D", said))["diagnoses"] == []
