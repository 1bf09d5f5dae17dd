"""D148: an asked symptom of a body part the answer says is fine is denied ("any pain in your teeth?" "my
teeth are fine"); a part that is not fine, or another part, denies nothing.  Phrasings written for this test."""

from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_a_part_said_fine_denies_its_asked_symptom() -> None:
    found = symptom_map(insights(("D", "Any pain in your teeth?"), ("P", "My teeth are fine.")))
    assert found == {"tooth pain": (False, None)}


def test_a_part_not_fine_denies_nothing() -> None:
    found = symptom_map(insights(("D", "Any pain in your knee?"), ("P", "My knee is not fine, it hurts.")))
    assert found["knee pain"][0] is True


def test_another_part_said_fine_leaves_the_asked_one_open() -> None:
    found = symptom_map(insights(("D", "Any pain in your knee?"), ("P", "My back is fine.")))
    assert "knee pain" not in found
