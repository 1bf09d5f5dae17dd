"""A drug the patient no longer takes is not an active medication (D135).  Sentences written for this test,
not taken from a visit."""

from __future__ import annotations

import pytest

from ._dialogue import insights


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
