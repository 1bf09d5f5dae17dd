"""A drug the patient no longer takes is not an active medication (D135).  Sentences written for this test,
not taken from a visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights, transcript


def _statuses(answer: str) -> dict[str, str]:
    ins = insights(("D", "What medicines do you take?"), ("P", answer), ("D", "Okay."))
    return {m["name"]: m["status"] for m in ins["medications"]}


@pytest.mark.parametrize(("answer", "expected"), [
    ("I was on amlodipine but they took me off it.", {"amlodipine": "stopped"}),
    ("I quit taking the sertraline in March.", {"sertraline": "stopped"}),
    ("I came off the omeprazole a few months ago.", {"omeprazole": "stopped"}),
    ("I finished the amoxicillin last week.", {"amoxicillin": "stopped"}),
    ("I ran out of my lisinopril two weeks ago.", {"lisinopril": "stopped"}),
    ("I was taking naproxen, but not anymore.", {"naproxen": "stopped"}),
    ("I took prednisone once, years ago.", {"prednisone": "stopped"}),
    ("I had a course of doxycycline last spring.", {"doxycycline": "stopped"}),
    ("They switched me from lisinopril to losartan.", {"lisinopril": "stopped", "losartan": "active"}),
    ("My old doctor had me on simvastatin, but I don't take it now.", {"simvastatin": "stopped"}),
    ("I was on atenolol a few years back.", {"atenolol": "stopped"}),
])
def test_a_drug_no_longer_taken_is_stopped(answer: str, expected: dict[str, str]) -> None:
    assert _statuses(answer) == expected


@pytest.mark.parametrize(("answer", "drug"), [
    ("I took my metformin this morning.", "metformin"),
    ("I started lisinopril two years ago.", "lisinopril"),
    ("I've had levothyroxine for years.", "levothyroxine"),
    ("I took ibuprofen once this week.", "ibuprofen"),
    ("I was on prednisone last month and I'm still on it.", "prednisone"),
    ("I take metformin but I don't take it with food.", "metformin"),
    ("I've been on amlodipine since a few years back.", "amlodipine"),
])
def test_a_drug_still_taken_stays_active(answer: str, drug: str) -> None:
    assert _statuses(answer) == {drug: "active"}


@pytest.mark.parametrize("said", [
    "The ibuprofen 400 mg you took before caused the ulcer.",
    "So the naproxen 500 mg you were taking probably caused this bleeding.",
    "The lisinopril 10 mg you were on made you cough.",
    "The prednisone 20 mg that you had last month raised your sugars.",
])
def test_a_drug_the_clinician_says_the_patient_took_is_no_prescription(said: str) -> None:
    """D161: a drug named with a dose in a relative clause of past use is what the patient took; written "new"
    it would put a drug that caused the harm into the plan as a prescription."""
    from medisync.ml.notes import ExtractiveNoteGenerator

    note = ExtractiveNoteGenerator().generate(transcript(("D", said), ("P", "Okay.")))
    statuses = {m["name"]: m["status"] for m in note["insights"]["medications"]}
    assert statuses and "new" not in statuses.values()
    assert "Start" not in note["plan"]


def test_a_drug_tried_without_effect_in_a_question_and_its_answer_is_stopped() -> None:
    """D194, sentences written for this test."""
    from ._dialogue import insights

    asked = insights(("D", "Have you tried naproxen for the knee?"), ("P", "Yes, but it didn't really help."))
    answered = insights(("D", "Did you take anything for the cramps?"), ("P", "Some Pepto, but it did not help."))
    helped = insights(("D", "Have you tried naproxen for the knee?"), ("P", "Yes, and it works pretty well."))
    assert [(m["name"], m["status"]) for m in asked["medications"]] == [("naproxen", "stopped")]
    assert [(m["name"], m["status"]) for m in answered["medications"]] == [("bismuth subsalicylate", "stopped")]
    assert [(m["name"], m["status"]) for m in helped["medications"]] == [("naproxen", "active")]
