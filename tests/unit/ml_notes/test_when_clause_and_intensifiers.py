"""A full-stopped "When I ..." sentence is a statement; "Like crazy." answers yes; "catches" is a joint's only
after the joint (D305)."""
from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


def test_a_when_clause_closed_by_a_full_stop_is_a_statement() -> None:
    got = symptom_map(insights(("D", "Do the spots itch?"), ("P", "When I'm in bed they itch.")))
    assert got["itching"][0] is True


@pytest.mark.parametrize("answer", ["Like crazy. Especially at night.", "All the time.", "Constantly."])
def test_an_answer_of_how_much_is_a_yes(answer: str) -> None:
    assert symptom_map(insights(("D", "Is it itchy?"), ("P", answer)))["itching"][0] is True


def test_a_catch_on_a_deep_breath_is_no_locking() -> None:
    got = symptom_map(insights(("D", "Tell me about the pain."), ("P", "When I take a deep breath it catches.")))
    assert not any("locking" in name for name in got)


def test_a_knee_that_catches_is_locking() -> None:
    assert symptom_map(insights(("D", "What's going on?"), ("P", "My right knee catches on the stairs.")))[
        "knee locking"][0] is True
