"""D147: a symptom said as an adjective right before the body part has that place: "a stiff neck" is neck
stiffness, "numb fingers" numbness in the fingers, and a denial of the asked "stiff neck" keeps its name.
Phrasings written for this test."""

from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_an_adjective_before_the_body_part_places_the_symptom() -> None:
    found = symptom_map(insights(("D", "What brings you in?"), ("P", "I have a stiff neck and numb fingers.")))
    assert set(found) == {"neck stiffness", "numbness in fingers"}


def test_a_denied_stiff_neck_is_named_as_asked() -> None:
    found = symptom_map(insights(("D", "Any fever or a stiff neck?"), ("P", "No fever, and my neck isn't stiff.")))
    assert found["neck stiffness"] == (False, None)


def test_a_body_part_before_the_symptom_still_wins() -> None:
    assert set(symptom_map(insights(("D", "What brings you in?"), ("P", "My knee pain is bad.")))) == {"knee pain"}
