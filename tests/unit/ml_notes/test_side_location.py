"""D140: a side word between the preposition and the body part keeps the place: "an ache in my left ear"
is ear pain, as "an ache in my ear" always was; the side goes to the chief complaint, not into the
symptom's name.  Phrasings written for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize(("said", "symptom", "complaint"), [
    ("I have had an ache in my left ear.", "ear pain", "left ear pain"),
    ("There is pain behind my right knee.", "knee pain", "right knee pain"),
    ("I get a numbness in both feet.", "numbness in feet", None),
])
def test_a_side_word_keeps_the_place(said: str, symptom: str, complaint: str | None) -> None:
    found = insights(("D", "What brings you in?"), ("P", said))
    assert set(symptom_map(found)) == {symptom}
    if complaint is not None:
        assert found["chief_complaint"] == complaint


def test_the_place_said_with_the_complaint_wins_over_an_earlier_one() -> None:
    found = insights(("D", "What brings you in?"),
                     ("P", "I can't shut my left eye properly. Yesterday I had an ache behind my left ear."))
    assert "ear pain" in symptom_map(found)
    assert "eye pain" not in symptom_map(found)
