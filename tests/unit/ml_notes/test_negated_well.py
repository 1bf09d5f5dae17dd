"""D146: "I'm not sleeping well" is trouble sleeping, not "sleeping well": a statement that a function is
fine is no denial when a negation stands before it, and a negation that the symptom's own words begin
inside ("have not" before "not (been) sleeping well") does not negate them.  Phrasings written for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize("said", ["I'm not sleeping well.", "I haven't been sleeping well lately."])
def test_not_sleeping_well_is_insomnia(said: str) -> None:
    assert symptom_map(insights(("D", "How are you sleeping?"), ("P", said)))["insomnia"][0] is True


@pytest.mark.parametrize("said", ["I am sleeping well.", "My sleep is fine."])
def test_sleeping_well_is_still_no_insomnia(said: str) -> None:
    assert symptom_map(insights(("D", "How are you sleeping?"), ("P", said)))["insomnia"][0] is False


def test_a_negation_before_the_symptom_still_negates_it() -> None:
    found = symptom_map(insights(("D", "Any chest pain or cough?"), ("P", "I haven't had any chest pain.")))
    assert found["chest pain"][0] is False
