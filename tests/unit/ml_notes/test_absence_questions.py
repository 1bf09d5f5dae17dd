"""D215: a question that names a symptom's absence ("Are you sleeping okay?") is answered the other way round,
and "Only when ..." is a yes with its circumstance.  Phrasings written for this test, not taken from any visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(("answer", "present"), [
    ("No, not at all.", True),
    ("Yes, I sleep fine.", False),
    ("Yeah.", False),
])
def test_a_question_about_sleeping_okay(answer: str, present: bool) -> None:
    found = insights(("D", "Are you sleeping okay?"), ("P", answer))["symptoms"]
    assert [(s["name"], s["present"]) for s in found] == [("insomnia", present)]


def test_only_when_is_a_yes() -> None:
    found = insights(("D", "Any shortness of breath?"), ("P", "Only when I walk up hills."))["symptoms"]
    assert [(s["name"], s["present"]) for s in found] == [("shortness of breath", True)]
    found = insights(("D", "Any trouble sleeping?"), ("P", "No."))["symptoms"]
    assert [(s["name"], s["present"]) for s in found] == [("insomnia", False)]
