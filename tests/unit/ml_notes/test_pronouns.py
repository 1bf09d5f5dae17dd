"""Who the patient is in the note: the sex the clinician states, else "the patient"."""

from __future__ import annotations

import pytest

from medisync.ml.notes.draft import patient_gender
from medisync.ml.notes.text import build_turns

from ._dialogue import transcript


def _gender(*turns: tuple[str, str]) -> str | None:
    return patient_gender([s for t in build_turns(transcript(*turns)) for s in t.sentences])


@pytest.mark.parametrize(("said", "expected"), [
    ("James is a 57-year-old male with a history of heart failure.", "male"),
    ("Hey Dragon, Ms. Hernandez is a 48 year old woman here for her elbow.", "female"),
    ("Good morning, Mr. Walker.", "male"),
    ("She's a 3-month-old girl here for a well visit.", "female"),
])
def test_the_sex_the_clinician_states_decides(said: str, expected: str) -> None:
    assert _gender(("D", said), ("P", "I have had this cough for a week.")) == expected


def test_no_stated_sex_and_no_clear_pronouns_is_unknown() -> None:
    assert _gender(("D", "What brings you in today?"), ("P", "My back hurts.")) is None


def test_conflicting_statements_fall_back_to_pronoun_counts() -> None:
    # "Mrs." names the patient's mother here; the stated sexes disagree, so the 3:1 rule decides (no cue)
    assert _gender(("D", "Hi Mrs. Lee, this is your son, a 12 year old boy?"), ("P", "Yes.")) is None
