"""D209: the common review-of-systems items a standard ROS checklist names are symptom concepts (they were
missed, or read as a vaguer concept: "coughing up blood" was a cough, "a weak urine stream" weakness).
Phrasings written for this test, not taken from any visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


def _present(*turns: tuple[str, str]) -> list[str]:
    return [s["name"] for s in insights(*turns)["symptoms"] if s["present"]]


@pytest.mark.parametrize(("said", "concept"), [
    ("I have been coughing up blood.", "hemoptysis"),
    ("I threw up blood this morning.", "hematemesis"),
    ("My urine stream is weak, it has a weak stream.", "weak urine stream"),
    ("My periods have been really heavy.", "heavy menstrual bleeding"),
    ("I found a lump in my breast.", "breast lump"),
    ("I keep getting nosebleeds.", "nosebleeds"),
    ("My skin looks yellow.", "jaundice"),
    ("I have been getting hot flashes at night.", "hot flashes"),
    ("I have been seeing double since the fall.", "double vision"),
    ("I have pain in my testicles.", "testicular pain"),
])
def test_a_review_of_systems_item_is_its_own_concept(said: str, concept: str) -> None:
    assert concept in _present(("P", said))


def test_a_denied_item_is_a_denial() -> None:
    ins = insights(("D", "Any nosebleeds or bleeding gums?"), ("P", "No."))
    assert {(s["name"], s["present"]) for s in ins["symptoms"]} == {("nosebleeds", False), ("bleeding gums", False)}
