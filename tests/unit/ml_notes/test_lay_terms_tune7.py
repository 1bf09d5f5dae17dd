"""Lay words for common complaints (D314): the perineum "between my legs", a stream "gotten wimpy", a shoulder "got
stiffer", "not making it to the bathroom in time", "going every hour", eyelids "stuck together", a knee that grinds,
eyes that burn, pain with ejaculation. "I dribble after I finish" stays a weak stream, not incontinence."""
from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize("said, name", [
    ("I've got this ache down between my legs.", "perineal pain"),
    ("My stream has gotten wimpy.", "weak urine stream"),
    ("Over the summer my shoulder got stiffer and stiffer.", "shoulder stiffness"),
    ("I'm not making it to the bathroom in time.", "urinary incontinence"),
    ("I'm going every hour.", "frequent urination"),
    ("All of a sudden I have to go, right now.", "urinary urgency"),
    ("Some mornings my eyelids are stuck together.", "eye discharge"),
    ("My knee grinds when I do stairs.", "knee grinding"),
    ("My eyes burn.", "eye burning"),
    ("I dribble after I finish peeing.", "weak urine stream"),
])
def test_the_lay_words_name_the_complaint(said: str, name: str) -> None:
    assert symptom_map(insights(("D", "Tell me about it."), ("P", said)))[name][0] is True


def test_pain_with_ejaculation_answered_yes() -> None:
    got = symptom_map(insights(("D", "Any pain with ejaculation?"), ("P", "Yeah, that's the other thing.")))
    assert got["painful ejaculation"][0] is True


@pytest.mark.parametrize("said", ["It burns when I pee.", "I dribble after I finish peeing."])
def test_not_these(said: str) -> None:
    got = symptom_map(insights(("D", "Tell me about it."), ("P", said)))
    assert "eye burning" not in got and "urinary incontinence" not in got
