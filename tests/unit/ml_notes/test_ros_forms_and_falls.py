"""More spoken forms of review-of-systems items, and falls (D296)."""
from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(
    ("asked", "name"),
    [
        ("Any cramping or pain in your calves when you walk?", "calf pain"),
        ("Any bleeding from your gums when you brush?", "bleeding gums"),
        ("Any ringing in that ear?", "ringing in ears"),
        ("Are you thirstier than usual?", "increased thirst"),
        ("Any sores inside your mouth?", "mouth sores"),
        ("Any falls this year?", "falls"),
    ],
)
def test_the_asked_item_is_denied(asked: str, name: str) -> None:
    assert symptom_map(insights(("D", asked), ("P", "No.")))[name][0] is False


def test_a_fall_told_is_a_finding() -> None:
    got = symptom_map(insights(("D", "What happened?"), ("P", "It was a fall. I missed the last step.")))
    assert got["falls"][0] is True


@pytest.mark.parametrize(
    "answer",
    ["It takes me an hour to fall asleep.", "It started in the fall.", "The scab falls off and comes back."],
)
def test_other_falls_are_no_finding(answer: str) -> None:
    assert "falls" not in symptom_map(insights(("D", "Tell me more."), ("P", answer)))
