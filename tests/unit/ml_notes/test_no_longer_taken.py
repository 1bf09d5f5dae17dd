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
