"""A mechanism word in a simile or in "fall asleep" is no injury (D322)."""
from __future__ import annotations

from ._dialogue import insights


def _cc(*turns: tuple[str, str]) -> str:
    return str(insights(*turns)["chief_complaint"])


def test_a_simile_is_no_mechanism() -> None:
    got = _cc(("D", "What brings you in?"), ("P", "I'm not making it to the bathroom in time."),
              ("D", "Any allergies?"), ("P", "Hydrocodone. After my hysterectomy I itched like I'd rolled in poison ivy."))
    assert "injury" not in got


def test_falling_asleep_is_no_fall() -> None:
    assert "fall" not in _cc(("D", "What brings you in?"), ("P", "My back hurts, and I fall asleep on the couch."))


def test_a_fall_is_still_a_fall() -> None:
    assert _cc(("D", "What brings you in?"), ("P", "I fell off a ladder and my wrist hurts.")).endswith("after a fall")
