"""A stated qualifier picks the ICD-10-CM sibling that names it (D95), and a test result that shows a
condition states it.

The siblings come from the official titles (``icd10.qualified_siblings``): J44.9 "Chronic obstructive
pulmonary disease, unspecified" -> J44.1 "... with (acute) exacerbation" when "exacerbation" is said
beside the condition.  A negated qualifier, or two qualifiers at once, keep the unspecified code.
"""

from __future__ import annotations

import pytest

from medisync.ml.notes.evaluation import said_facts, safety
from medisync.ml.notes.icd10 import qualified_siblings, specified_by, specified_siblings

from ._dialogue import insights, transcript

pytest.importorskip("simple_icd_10_cm")


def _codes(*turns: tuple[str, str]) -> list[str]:
    return [d["icd10"] for d in insights(*turns)["diagnoses"]]


def test_siblings_come_from_the_official_titles() -> None:
    assert dict(qualified_siblings("J44.9"))["J44.1"] == ("exacerbation",)
    assert dict(qualified_siblings("G43.909")) == {"G43.109": ("aura",)}
    assert qualified_siblings("I10") == ()


@pytest.mark.parametrize("said, code", [
    ("This is an acute exacerbation of chronic obstructive pulmonary disease. Start prednisone.", "J44.1"),
    ("This is migraine with aura. Start sumatriptan.", "G43.109"),
    ("My assessment is asthma with an acute exacerbation.", "J45.901"),
])
def test_a_stated_qualifier_is_coded(said: str, code: str) -> None:
    assert _codes(("D", said)) == [code]


@pytest.mark.parametrize("said, code", [
    # ICD-10-CM names "migraine without aura" itself (G43.0, default leaf G43.009): never G43.109 "with aura"
    ("This is migraine without aura. Start sumatriptan.", "G43.009"),
    ("My assessment is chronic obstructive pulmonary disease. No exacerbation today.", "J44.9"),
    ("My assessment is chronic obstructive pulmonary disease, not an exacerbation.", "J44.9"),
])
def test_a_negated_or_distant_qualifier_keeps_the_unspecified_code(said: str, code: str) -> None:
    assert code in _codes(("D", said))
    assert not {c for c in _codes(("D", said)) if c != code and c[:3] == code[:3]}


def test_the_refined_code_counts_as_stated_for_the_safety_counters() -> None:
    doc = transcript(("D", "This is an acute exacerbation of chronic obstructive pulmonary disease."))
    _drugs, affirmed, _negated = said_facts(doc)
    assert "J44.1" in affirmed
    assert not any(safety(doc, insights(("D", "This is an acute exacerbation of chronic obstructive "
                                               "pulmonary disease.")) ).values())


def test_a_result_that_shows_a_condition_states_it() -> None:
    assert _codes(("D", "The electrocardiogram we did today shows atrial fibrillation with a fast heart rate.")) == ["I48.91"]


def test_a_result_that_shows_no_condition_codes_nothing() -> None:
    assert _codes(("D", "The chest x-ray shows no pneumonia.")) == []


def test_words_that_specify_an_unspecified_title_pick_that_code() -> None:
    """D225: ICD-10-CM's own specifier words inserted into an "unspecified" title ("..., unspecified type" ->
    "..., predominantly inattentive type"), said beside the condition; one word alone of two is not enough."""
    assert dict(specified_siblings("F90.9"))["F90.0"] == ("predominantly", "inattentive")
    assert _codes(("D", "My impression is attention deficit hyperactivity disorder, predominantly inattentive type.")) == ["F90.0"]
    assert _codes(("D", "This is moderate persistent asthma. Start fluticasone.")) == ["J45.40"]
    assert _codes(("D", "This is asthma, and it seems persistent. Start fluticasone.")) == ["J45.909"]
    assert specified_siblings("E11.9") == ()  # no "unspecified" in its title: its siblings say "with ..."


def test_an_unspecified_code_beside_one_that_specifies_it_is_dropped() -> None:
    """D225: "heart failure" said again after "acute on chronic systolic heart failure" near "systolic" is no second code."""
    assert specified_by("I50.20", "I50.23") and not specified_by("I50.23", "I50.20")
    said = ("This is acute on chronic systolic heart failure. The systolic part means your heart failure is a "
            "pumping problem.")
    assert _codes(("D", said)) == ["I50.23"]
