""""Not because it's weak": a finding denied as the reason is denied (D302)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_a_finding_denied_as_the_reason_is_denied() -> None:
    got = symptom_map(insights(("D", "Any weakness in the leg?"),
                               ("P", "I limp because it hurts, not because it's weak.")))
    assert got["leg weakness"][0] is False


def test_a_reason_given_is_kept_and_the_denied_one_denied() -> None:
    got = symptom_map(insights(("D", "How's your mood?"), ("P", "I'm tired because I work nights, not because I'm depressed.")))
    assert got["fatigue"][0] is True and got["depressed mood"][0] is False
