"""The kneecap is a body part; "both sides" is a laterality, not the flank (D317)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_pain_around_the_kneecap() -> None:
    got = symptom_map(insights(("D", "Where exactly does it hurt?"),
                               ("P", "Kind of around and behind the kneecap. Both sides, but the right one's worse. "
                                     "It's achy, not sharp.")))
    assert list(got) == ["kneecap pain"]


def test_pain_in_my_side_is_still_flank_pain() -> None:
    assert symptom_map(insights(("D", "Tell me more."), ("P", "I have pain in my left side.")))["flank pain"][0]
