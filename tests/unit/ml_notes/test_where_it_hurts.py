"""The answer to "What's hurting?" names where the pain is (D278)."""
from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(
    ("asked", "answer", "name"),
    [
        ("What's hurting?", "The back of my right heel. Well, above the heel.", "heel pain"),
        ("Where does it hurt?", "Right here, my lower back.", "low back pain"),
        ("What hurts?", "My left knee.", "knee pain"),
    ],
)
def test_the_place_the_answer_names_is_where_the_pain_is(asked: str, answer: str, name: str) -> None:
    assert symptom_map(insights(("D", asked), ("P", answer)))[name][0] is True


def test_it_is_dated_by_the_onset_answer_after_it() -> None:
    got = symptom_map(insights(("D", "What's hurting?"), ("P", "The back of my right heel."), ("D", "When did it start?"),
                               ("P", "Thanksgiving morning. So eleven days.")))
    assert got["heel pain"] == (True, "11 days")


def test_an_answer_naming_no_part_adds_no_pain() -> None:
    assert "pain" not in " ".join(symptom_map(insights(("D", "What hurts?"), ("P", "Nothing, really. I just feel tired."))))
