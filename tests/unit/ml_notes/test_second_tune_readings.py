"""Readings added after the second set of tune visits (D128). Each sentence here is written for this test,
not copied from a visit; the visits only showed which kind of sentence was misread."""

from __future__ import annotations

import pytest

from medisync.ml.notes.evaluation import _freq_norm

from ._dialogue import insights, symptom_map

MEDS_AND_ALLERGIES = "What do you take, and any drug allergies?"


def _meds(ins: dict) -> dict[str, str]:
    return {m["name"]: m["status"] for m in ins["medications"]}


def _allergens(ins: dict) -> set[str]:
    return {a["substance"] for a in ins["allergies"]}


def test_a_drug_that_made_something_hurt_is_an_allergy_not_a_medication() -> None:
    ins = insights(("D", MEDS_AND_ALLERGIES), ("P", "Cipro, it made my knees ache for a month."))
    assert "ciprofloxacin" in _allergens(ins)
    assert "ciprofloxacin" not in _meds(ins)  # safety: never listed as taken


@pytest.mark.parametrize("said", ["Naproxen, it gets rid of the pain in my hip.",
                                  "Naproxen, it makes my hip feel better.",
                                  # what it is taken for, not a reaction (safety: no allergy that was not said)
                                  "Naproxen when I get back pain, two hundred twenty milligrams."])
def test_a_drug_that_relieves_a_symptom_is_taken(said: str) -> None:
    ins = insights(("D", MEDS_AND_ALLERGIES), ("P", said))
    assert "naproxen" in _meds(ins) and "naproxen" not in _allergens(ins)


def test_a_rescue_drug_for_a_symptom_is_no_allergen() -> None:
    ins = insights(("D", MEDS_AND_ALLERGIES), ("P", "I use albuterol when I get short of breath."))
    assert "albuterol" in _meds(ins) and not _allergens(ins)


def test_a_drug_for_allergies_is_no_allergen() -> None:
    ins = insights(("D", MEDS_AND_ALLERGIES), ("P", "Just Zyrtec, ten milligrams every morning, for my allergies."))
    assert "cetirizine" in _meds(ins) and not _allergens(ins)


def test_a_reaction_verb_may_be_the_reaction() -> None:
    ins = insights(("D", MEDS_AND_ALLERGIES), ("P", "Nothing. No drug allergies, but bee stings, my arm swells up."))
    assert "bee stings" in _allergens(ins)


def test_the_reaction_may_follow_in_a_sentence_about_her_lips() -> None:
    ins = insights(("D", "Any allergies?"), ("F", "She is allergic to peanuts. Her lips swelled right up."))
    assert [(a["substance"], a["reaction"]) for a in ins["allergies"]] == [("peanuts", "lip swelling")]


def test_starting_you_on_is_a_new_drug() -> None:
    assert _meds(insights(("D", "I am starting you on amoxicillin, five hundred milligrams three times a day.")))[
        "amoxicillin"] == "new"


def test_so_stop_it_stops_the_drug_just_named() -> None:
    ins = insights(("P", "I take ibuprofen, four hundred milligrams twice a day."),
                   ("D", "Your kidney numbers are up, probably from the ibuprofen, so stop it."))
    assert _meds(ins)["ibuprofen"] == "stopped"


def test_a_common_word_is_not_linked_to_a_drug_named_before() -> None:
    ins = insights(("P", "I take Synthroid, seventy five micrograms every morning."),
                   ("D", "You cannot raise your eyebrow on the left either, so it is the nerve, not a stroke."))
    assert _meds(ins)["levothyroxine"] == "active"


def test_an_icd10cm_bracket_name_is_coded() -> None:
    assert [d["icd10"] for d in insights(("D", "This is croup. We will give one dose of steroid."))["diagnoses"]] == ["J05.0"]


def test_the_sided_code_replaces_the_unspecified_one() -> None:
    codes = [d["icd10"] for d in insights(("D", "This is tennis elbow, lateral epicondylitis of the left elbow."))["diagnoses"]]
    assert codes == ["M77.12"]


def test_see_how_you_are_doing_in_weeks_is_a_follow_up() -> None:
    assert insights(("D", "Let's see how you are doing in six weeks."))["follow_up"] == "6 weeks"


def test_a_date_restated_as_a_span_is_a_duration() -> None:
    found = symptom_map(insights(("P", "My shoulder has ached since early June, so a good three months now.")))
    assert found["shoulder pain"] == (True, "3 months")


def test_breathing_per_minute_is_the_respiratory_rate() -> None:
    assert insights(("D", "She is breathing thirty two a minute."))["vitals"]["respiratory_rate"] == 32


def test_the_scorer_reads_frequency_numbers_as_digits() -> None:
    assert _freq_norm("every six hours") == _freq_norm("every 6 hours")
