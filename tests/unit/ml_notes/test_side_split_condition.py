"""D141: a condition's name split by a side word ("a sprain of the right ankle") is still the condition,
with the side's code; a name that holds a side word itself ("right bundle branch block") and a negated
split name are read as before.  The safety scorer reads the split name as said, so coding it is no
"unstated diagnosis".  Phrasings written for this test."""

from __future__ import annotations

import pytest

from medisync.ml.notes.evaluation import said_facts, safety
from medisync.ml.notes.text import PhraseMatcher

from ._dialogue import insights, transcript


@pytest.mark.parametrize(("spoken", "code"), [
    ("My assessment is a sprain of the right ankle.", "S93.401A"),
    ("This is a sprain of the left ankle.", "S93.402A"),
    ("This is otitis media of the left ear.", "H66.92"),
])
def test_a_side_word_inside_the_name_gives_the_side_s_code(spoken: str, code: str) -> None:
    assert [d["icd10"] for d in insights(("D", spoken))["diagnoses"]] == [code]


@pytest.mark.parametrize("spoken", ["There is no sprain of the right ankle.",
                                    "I do not think this is a sprain of the left ankle."])
def test_a_negated_split_name_is_not_coded(spoken: str) -> None:
    assert insights(("D", spoken))["diagnoses"] == []


def test_a_name_with_its_own_side_word_keeps_it() -> None:
    assert [d["icd10"] for d in insights(("D", "You have a right bundle branch block."))["diagnoses"]] == ["I45.10"]


def test_the_safety_scorer_reads_the_split_name_as_said() -> None:
    visit = transcript(("D", "My assessment is a sprain of the right ankle."))
    _drugs, affirmed, _negated = said_facts(visit)
    assert "S93.401A" in affirmed
    assert safety(visit, insights(("D", "My assessment is a sprain of the right ankle.")))["unstated_diagnoses_coded"] == []


def test_a_skipped_word_only_joins_a_phrase_it_splits() -> None:
    m: PhraseMatcher[str] = PhraseMatcher()
    m.add("sprain of ankle", "S93.409A")
    m.add("ankle", "ankle")
    m.finalize()
    assert [(x.start, x.end, x.payload) for x in m.find(["sprain", "right", "ankle"], frozenset({"right"}))] \
        == [(0, 3, "S93.409A")]
    assert [x.payload for x in m.find(["sprain", "right", "ankle"])] == ["ankle"]
