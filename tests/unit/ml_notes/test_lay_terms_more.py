"""Lay words for insomnia, loss of appetite and hair loss (D290)."""
from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(
    ("asked", "answer", "name"),
    [
        ("How's your sleep?", "Terrible. I'm awake half the night.", "insomnia"),
        ("How's your appetite?", "I don't feel like eating.", "loss of appetite"),
        ("So what's going on?", "Okay. So. There's a bald spot. Back here, under my ponytail.", "hair loss"),
    ],
)
def test_the_lay_words_name_the_symptom(asked: str, answer: str, name: str) -> None:
    assert symptom_map(insights(("D", asked), ("P", answer)))[name][0] is True


def test_throwing_up_all_night_is_no_insomnia() -> None:
    got = symptom_map(insights(("D", "What's happening?"), ("P", "I've been throwing up all night.")))
    assert "insomnia" not in got and got["vomiting"][0] is True
