"""What a test looks for is not a diagnosis (D275)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(
    "said",
    [
        "But since you have never been tested with this partner, I'd like to send the swab for gonorrhea and "
        "chlamydia too.",
        "I'll send you a message with the gonorrhea and chlamydia results.",
        "You have a sore throat, so I'm checking for strep.",
    ],
)
def test_a_condition_a_test_looks_for_is_not_coded(said: str) -> None:
    assert insights(("D", said))["diagnoses"] == []


def test_a_stated_diagnosis_beside_a_test_for_another_is_coded() -> None:
    codes = [d["icd10"] for d in insights(("D", "You have strep. I'll also test you for mono."))["diagnoses"]]
    assert codes == ["J02.0"]
