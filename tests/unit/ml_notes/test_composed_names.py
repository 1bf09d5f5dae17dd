"""D150: a composed symptom name that is a term of a concept naming another, wider body part keeps the part
that was said: "my ankle is swollen" is ankle swelling, not leg swelling; a term of a concept without a
body part still takes the concept's name ("my head hurts" is a headache).  Phrasings written for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(("said", "symptom"), [
    ("My ankle is swollen.", "ankle swelling"),
    ("My foot is swollen.", "foot swelling"),
    ("My head hurts.", "headache"),
    ("I have pain in my throat.", "sore throat"),
])
def test_the_composed_name_keeps_the_part_said(said: str, symptom: str) -> None:
    assert set(symptom_map(insights(("D", "What brings you in?"), ("P", said)))) == {symptom}
