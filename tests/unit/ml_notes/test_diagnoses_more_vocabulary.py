"""Diagnoses said in words the curated map lacked, ICD-10-CM's own inclusion terms among them, and three more ways
a clinician states one (D339)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


def _codes(sentence: str) -> list[str]:
    return [d["icd10"] for d in insights(("P", "It started last week."), ("D", sentence))["diagnoses"]]


@pytest.mark.parametrize(("sentence", "codes"), [
    ("This was a vasovagal faint, what we call vasovagal syncope.", ["R55"]),
    ("This is trichomoniasis, trich for short, a trichomonas vaginitis.", ["A59.01"]),
    ("This is heavy menstrual bleeding, with regular cycles.", ["N92.0"]),
    ("This is cubital tunnel syndrome on the left side.", ["G56.22"]),
    ("This is a corneal abrasion of the left eye.", ["S05.02XA"]),
    ("This looks like traveler's diarrhea. And you're mildly dehydrated.", ["A09", "E86.0"]),
    ("What I see is mild cognitive impairment.", ["G31.84"]),
    ("This is folliculitis, an infection of the hair follicles.", ["L73.9"]),
    ("I'm also writing down tobacco dependence, because the cigarettes are the biggest thing.", ["F17.210"]),
])
def test_the_condition_is_coded(sentence: str, codes: list[str]) -> None:
    assert _codes(sentence) == codes


def test_you_are_needs_the_condition_at_once() -> None:
    assert _codes("You are going to feel better once the fever breaks, and diabetes runs in families.") == []
