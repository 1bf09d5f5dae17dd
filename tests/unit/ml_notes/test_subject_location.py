"""D149: a body part that is the subject of the symptom's verb places it: "my knee is swollen" is knee
swelling, "my feet have been numb" numbness in the feet.  Phrasings written for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(("said", "symptom"), [
    ("My knee is swollen.", "knee swelling"),
    ("My feet have been numb.", "numbness in feet"),
    ("My hands feel weak.", "hand weakness"),
])
def test_the_subject_body_part_places_the_symptom(said: str, symptom: str) -> None:
    assert set(symptom_map(insights(("D", "What brings you in?"), ("P", said)))) == {symptom}


def test_a_symptom_without_a_body_part_subject_stays_generic() -> None:
    assert set(symptom_map(insights(("D", "What brings you in?"), ("P", "The pain is bad.")))) == {"pain"}
