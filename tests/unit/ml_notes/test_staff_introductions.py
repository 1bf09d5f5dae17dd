"""A staff member's introduction and the rooming routine are not note material (D323)."""
from __future__ import annotations

import pytest

from medisync.ml.notes.person import Pronouns
from medisync.ml.notes.prose import to_prose

SHE = Pronouns.for_gender("female")


@pytest.mark.parametrize("text", [
    "I'm Dani, I'm working with the doctor today.",
    "Hi, I'll be your nurse today.",
    "Let's get your weight first.",
    "Let us take your temperature.",
])
def test_not_note_material(text: str) -> None:
    assert to_prose(text, "clinician", SHE) is None


@pytest.mark.parametrize("text", ["Let's get an x-ray of the knee.", "Her weight is down four pounds."])
def test_still_note_material(text: str) -> None:
    assert to_prose(text, "clinician", SHE) is not None


@pytest.mark.parametrize("text, expected", [
    ("It's been creeping up for a while.", "It has been creeping up for a while."),
    ("It's gotten worse since March.", "It has gotten worse since March."),
    ("It's bad today.", "It is bad today."),
])
def test_a_contracted_has_before_a_participle(text: str, expected: str) -> None:
    assert to_prose(text, "patient", SHE) == expected
