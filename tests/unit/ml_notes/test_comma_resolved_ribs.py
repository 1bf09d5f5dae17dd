"""A lexicon phrase never runs over a comma; a complaint said to have gone away is no longer present; the ribs are a
place of their own (D313)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_a_phrase_does_not_run_over_a_comma() -> None:
    got = symptom_map(insights(("D", "What are the fits like?"), ("P", "My face goes red, my eyes water.")))
    assert "eye redness" not in got
    assert got["watery eyes"][0] is True


def test_a_phrase_without_a_comma_is_found() -> None:
    assert symptom_map(insights(("D", "Anything else?"), ("P", "My eyes are red eyes all day.")))["eye redness"][0]


def test_a_complaint_that_went_away_is_no_longer_present() -> None:
    got = symptom_map(insights(("D", "How did it start?"),
                               ("P", "Runny nose, a little cough. The runny nose went away after a week, but the "
                                     "cough got worse.")))
    assert got["runny nose"] == (False, None)
    assert got["cough"][0] is True


def test_sore_ribs_are_no_chest_pain() -> None:
    got = symptom_map(insights(("D", "Any chest pain?"), ("P", "My ribs are sore, but no real chest pain.")))
    assert got["rib pain"][0] is True
    assert got["chest pain"][0] is False
