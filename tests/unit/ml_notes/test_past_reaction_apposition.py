"""A reaction told in the past tense with "once", and an allergen named in the sentence after it (D268)."""
from __future__ import annotations

from ._dialogue import insights


def test_hives_got_once_from_a_dye_named_next_are_the_allergy_s_reaction_not_a_symptom() -> None:
    out = insights(("D", "Any allergies?"),
                   ("P", "I got hives from the dye they used for a CT scan once. The contrast. That's the only thing."))
    assert out["allergies"] == [{"substance": "iodinated contrast", "reaction": "hives"}]
    assert out["symptoms"] == []


def test_a_past_episode_said_with_once_is_not_a_present_symptom() -> None:
    out = insights(("D", "What brings you in?"), ("P", "My knee. I had a rash once."))
    assert all(s["name"] != "rash" or not s["present"] for s in out["symptoms"])


def test_once_then_again_now_is_present() -> None:
    out = insights(("D", "What brings you in?"), ("P", "I got hives once, and now I have them again all over."))
    assert any(s["name"] == "hives" and s["present"] for s in out["symptoms"])
