"""D191: a dose said where no drug name could be read is listed for review, never written (sentences written
for these tests)."""

from __future__ import annotations

from typing import Any

from ._dialogue import insights


def _unnamed(ins: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in ins["needs_review"] if i["reason"] == "dose without a clear drug name"]


def test_a_garbled_prescription_s_dose_is_listed_with_the_words_heard_and_not_written() -> None:
    ins = insights(("D", "This looks like allergic asthma."),
                   ("D", "I'm starting you on saying your lay 10 milligrams at night."))
    assert ins["medications"] == []
    [item] = _unnamed(ins)
    assert item["kind"] == "medication" and item["heard"] == "saying your lay"
    assert item["segment_ids"] == [1]


def test_a_dose_next_to_a_named_drug_or_read_back_or_measured_is_not_listed() -> None:
    named = insights(("D", "Start amlodipine."), ("D", "Take 5 milligrams every morning."))
    read_back = insights(("D", "Increase the metformin to 1000 milligrams twice a day."),
                         ("P", "Okay, 1000 milligrams twice a day."))
    measured = insights(("D", "Keep your salt intake under 2000 milligrams a day, and your vitamin D level is 18."))
    for ins in (named, read_back, measured):
        assert _unnamed(ins) == []
    assert [m["name"] for m in named["medications"]] == ["amlodipine"]
