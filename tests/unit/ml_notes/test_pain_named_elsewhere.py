"""A pain named after its own site said of another part, and soaking through pads (D331)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def _said(text: str) -> dict[str, tuple[bool, str | None]]:
    return symptom_map(insights(("D", "What brings you in?"), ("P", text)))


def test_a_toothache_in_the_shoulder_is_shoulder_pain() -> None:
    assert _said("It's a deep, dull toothache in the shoulder.") == {"shoulder pain": (True, None)}


def test_a_headache_in_the_back_of_the_head_keeps_its_site() -> None:
    assert _said("I have a headache in the back of my head.") == {"headache": (True, None)}


def test_an_earache_in_the_ear_stays_ear_pain() -> None:
    assert _said("I have an earache in my left ear.") == {"ear pain": (True, None)}


def test_soaking_through_pads_asked_and_denied() -> None:
    got = symptom_map(insights(("P", "My period cramps are bad."),
                               ("D", "Are you soaking through a pad or a tampon every hour or two?"),
                               ("P", "No, not like that. Normal, I think.")))
    assert got["heavy menstrual bleeding"] == (False, None)
