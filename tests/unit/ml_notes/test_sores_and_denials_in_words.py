"""Sores are not pain; "my neck doesn't bother me" denies what was asked (D347); sweating, the shivers, ringing ears,
"Once." as a yes (D348)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_denied_sores_on_the_feet_are_sores_not_pain() -> None:
    got = symptom_map(insights(("P", "My calf cramps when I walk."),
                               ("D", "Any sores on your feet or toes that are slow to heal?"), ("P", "No sores.")))
    assert got["foot sores"][0] is False
    assert "foot pain" not in got


def test_a_sore_leg_is_still_pain() -> None:
    got = symptom_map(insights(("P", "My legs are sore after the run.")))
    assert got["leg pain"][0] is True


def test_part_that_does_not_bother_is_denied() -> None:
    got = symptom_map(insights(("D", "Any neck pain, or pain running down from your neck or shoulder?"),
                               ("P", "My neck doesn't bother me at all.")))
    assert got["neck pain"][0] is False


def test_sweaty_ringing_ears_and_the_shivers() -> None:
    got = symptom_map(insights(("P", "I started feeling kind of sick to my stomach, and sweaty. Then my ears started "
                                     "ringing."),
                               ("D", "Any chills?"), ("P", "I had the shivers last night even with two blankets.")))
    assert (got["sweating"][0], got["ringing in ears"][0], got["chills"][0]) == (True, True, True)


def test_once_answers_yes() -> None:
    got = symptom_map(insights(("P", "I have diarrhea."), ("D", "Any vomiting?"),
                               ("P", "Once, on the plane home. Since then just queasy.")))
    assert got["vomiting"][0] is True


def test_once_opening_a_clause_is_no_answer() -> None:
    got = symptom_map(insights(("P", "I have diarrhea."), ("D", "Any vomiting?"),
                               ("P", "Once I stopped the pills it went away.")))
    assert "vomiting" not in got


def test_a_part_that_does_not_bother_denies_only_its_own_symptom() -> None:
    got = symptom_map(insights(("D", "Any neck pain, or numbness in your arm?"),
                               ("P", "My neck doesn't bother me at all.")))
    assert got["neck pain"][0] is False
    assert "numbness in arm" not in got
