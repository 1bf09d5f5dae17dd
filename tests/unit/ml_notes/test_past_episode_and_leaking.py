"""An episode told in a dated "when I had ..." clause is over (D308); "I leak" is urinary incontinence, leaking milk
is not (D308)."""
from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize("answer", [
    "I had some eye drops left from when I had pink eye back in April.",
    "I used the cream from when I had a rash.",
    "When I had the flu in March I coughed for weeks.",
])
def test_a_dated_when_i_had_clause_is_no_finding(answer: str) -> None:
    got = symptom_map(insights(("D", "What have you tried for it?"), ("P", answer)))
    assert not any(present for present, _ in got.values())


def test_a_finding_after_the_past_clause_is_still_told() -> None:
    got = symptom_map(insights(("D", "Anything else?"), ("P", "When I had the flu I coughed. Now I have a rash.")))
    assert got["rash"][0] is True


@pytest.mark.parametrize("answer", [
    "I leak. There, I said it. When I cough, when I sneeze.",
    "I dribble a little when I laugh.",
    "She leaks every time she jumps on the trampoline.",
])
def test_leaking_is_urinary_incontinence(answer: str) -> None:
    assert symptom_map(insights(("D", "What brings you in?"), ("P", answer)))["urinary incontinence"][0] is True


@pytest.mark.parametrize("answer", ["I leak milk all the time.", "The roof leaks when it rains."])
def test_other_leaks_are_not(answer: str) -> None:
    got = symptom_map(insights(("D", "Anything else?"), ("P", answer)))
    assert "urinary incontinence" not in got
