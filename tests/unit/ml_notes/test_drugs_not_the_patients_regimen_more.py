"""Drugs named that are not the patient's regimen: seen in an ad, a companion's own, what a clinician would
normally offer, a name corrected, a level; and two that are: a plan said as "what he needs is", vitamin B6 (D338)."""
from __future__ import annotations

from ._dialogue import insights


def _meds(*turns: tuple[str, str]) -> dict[str, dict]:
    return {m["name"]: m for m in insights(*turns)["medications"]}


def test_a_drug_seen_in_a_commercial_is_not_taken() -> None:
    assert _meds(("P", "I saw a commercial for Humira. Is that for this?"), ("D", "It is, for severe cases.")) == {}


def test_a_companion_s_pill_given_once_is_theirs() -> None:
    assert _meds(("F", "Once, I gave him one of my Mobic, the pill for my arthritis."),
                 ("D", "Okay, no more Mobic for him.")) == {}


def test_a_companion_s_leftover_is_theirs() -> None:
    assert _meds(("F", "And I've got Cipro left over from my prostate infection. Can she just take mine?"),
                 ("D", "Please hang on to that. Cipro isn't my first choice.")) == {}


def test_what_the_clinician_would_normally_offer_is_not_offered() -> None:
    assert _meds(("D", "Normally I'd also offer the birth control pill, but you get migraines with aura, so that's "
                       "off the table.")) == {}


def test_a_drug_name_corrected_in_the_next_sentence_is_taken_back() -> None:
    meds = _meds(("D", "What do you take?"),
                 ("P", "The water pill for blood pressure. No, wait, it's the amlodipine. Five milligrams, once a day."))
    assert list(meds) == ["amlodipine"]


def test_a_level_the_drug_lowers_is_no_drug() -> None:
    assert list(_meds(("D", "Keep the metformin."),
                      ("D", "Metformin can lower your B twelve, so I'm checking a B twelve level."))) == ["metformin"]


def test_what_he_needs_is_a_plan() -> None:
    meds = _meds(("D", "What he needs is an aspirin, the low dose one, eighty one milligrams, once a day."))
    assert (meds["aspirin"]["dose"], meds["aspirin"]["status"]) == ("81 mg", "new")


def test_vitamin_b6_is_pyridoxine() -> None:
    meds = _meds(("D", "What do you take?"),
                 ("P", "Metformin, a thousand milligrams twice a day. And I started a vitamin, B six, a hundred "
                       "milligrams a day."))
    assert (meds["pyridoxine"]["dose"], meds["metformin"]["dose"]) == ("100 mg", "1000 mg")


def test_lowering_the_drug_to_a_new_dose_is_a_change() -> None:
    meds = _meds(("D", "What do you take?"), ("P", "Lisinopril, twenty milligrams a day."),
                 ("D", "I want to lower your lisinopril to ten milligrams."))
    assert (meds["lisinopril"]["dose"], meds["lisinopril"]["status"]) == ("10 mg", "changed")


def test_dropping_the_prednisone_to_a_new_dose_is_a_change() -> None:
    meds = _meds(("D", "What do you take?"), ("P", "Prednisone, twenty milligrams a day."),
                 ("D", "Let's drop the prednisone to ten milligrams a day."))
    assert (meds["prednisone"]["dose"], meds["prednisone"]["status"]) == ("10 mg", "changed")
