"""A drug the patient used to take, stopped, or tried without effect is stopped, not active (D76).
Phrasings written for this test."""

from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(("question", "answer", "drug"), [
    ("Have you taken anything for it?", "I tried ibuprofen but it didn't help.", "ibuprofen"),
    ("Anything for the pain?", "I took some Tylenol, it didn't really do anything.", "acetaminophen"),
    ("Any medicines?", "I used to take lisinopril but I stopped it last year.", "lisinopril"),
])
def test_stopped_or_without_effect(question: str, answer: str, drug: str) -> None:
    meds = {m["name"]: m["status"] for m in insights(("D", question), ("P", answer))["medications"]}
    assert meds == {drug: "stopped"}


def test_a_drug_that_helps_stays_active() -> None:
    meds = {m["name"]: m["status"] for m in insights(("D", "What have you tried?"),
                                                     ("P", "I've been taking ibuprofen and it helps a little."))["medications"]}
    assert meds == {"ibuprofen": "active"}


def test_a_stop_said_of_another_drug_does_not_stop_this_one() -> None:
    meds = {m["name"]: m["status"] for m in insights(
        ("D", "Any medicines?"), ("P", "I take lisinopril every day and I stopped the metformin last month."))["medications"]}
    assert meds == {"lisinopril": "active", "metformin": "stopped"}


@pytest.mark.parametrize(("answer", "expected"), [
    ("I'm not on lisinopril anymore.", {"lisinopril": "stopped"}),
    ("I no longer take metformin.", {"metformin": "stopped"}),
    ("I am not taking atenolol any more, but I take amlodipine.", {"atenolol": "stopped", "amlodipine": "active"}),
])
def test_a_patient_s_negation_with_anymore_ends_a_use(answer: str, expected: dict[str, str]) -> None:
    """D143: "not ... anymore" says the drug was taken and is not now: stopped, not left out."""
    meds = {m["name"]: m["status"] for m in insights(("D", "Any medicines?"), ("P", answer))["medications"]}
    assert meds == expected


@pytest.mark.parametrize("answer", ["I don't take aspirin.", "I never took warfarin, and I don't smoke anymore."])
def test_a_plain_denial_lists_nothing(answer: str) -> None:
    """A denial without "anymore" in its own clause is no past use."""
    assert insights(("D", "Any medicines?"), ("P", answer))["medications"] == []
