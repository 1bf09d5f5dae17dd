"""D206: "N times daily" is N times a day (it was read as once daily), "twice weekly" is not twice daily,
"in the morning and at night" is not at bedtime, a range stays a range, and a plan
sentence that says word for word what a medication line says is written once.  Phrasings written for this
test, not taken from any visit."""

from __future__ import annotations

import pytest

from medisync.ml.notes import ExtractiveNoteGenerator
from medisync.ml.notes.medications import parse_frequency

from ._dialogue import insights, transcript


@pytest.mark.parametrize(("said", "frequency"), [
    ("3 times daily", "three times daily"),
    ("2 times daily", "twice daily"),
    ("4 times daily before meals", "four times daily before meals"),
    ("5 times a day", "five times daily"),
    ("thrice daily", "three times daily"),
    ("2 to 3 times a day as needed", "2 to 3 times daily as needed"),
    ("daily", "once daily"),
    ("twice weekly", "2 times a week"),
    ("3 times weekly", "3 times a week"),
    ("2 times a month", "2 times a month"),
    ("every 3 days", "every 3 days"),
    ("q12h", "every 12 hours"),
    ("in the morning and at night", "twice daily"),
    ("every morning and at bedtime", "twice daily"),
])
def test_times_daily_is_that_many_times_a_day(said: str, frequency: str) -> None:
    assert parse_frequency(said) == frequency


def test_morning_and_night_before_another_instruction_is_not_twice_daily() -> None:
    # "... in the morning and at night take the atorvastatin": the night belongs to the next drug
    assert parse_frequency("in the morning and at night take the atorvastatin") != "twice daily"


def test_a_usage_range_said_with_or_is_no_schedule() -> None:
    # "four or five times a day" is how often a rescue inhaler was used, not one number of a regimen
    assert parse_frequency("4 or 5 times a day") is None


def test_spelt_times_daily_in_a_plan() -> None:
    meds = {m["name"]: (m["dose"], m["frequency"]) for m in insights(
        ("D", "Start amoxicillin five hundred milligrams three times daily for ten days."))["medications"]}
    assert meds == {"amoxicillin": ("500 mg", "three times daily")}


def test_a_plan_sentence_that_repeats_a_medication_line_is_written_once() -> None:
    note = ExtractiveNoteGenerator().generate(transcript(
        ("P", "I have had a cough for a week."),
        ("D", "Start amoxicillin 500 mg three times daily.")), "hp")
    lines = [line["text"] for s in note["sections"] for line in s["lines"]]
    assert lines.count("Start amoxicillin 500 mg three times daily.") == 1
    assert "once daily" not in note["text"]


@pytest.mark.parametrize("said, frequency", [
    ("Lisinopril 20 milligrams in the morning.", "once daily"),  # D220
    ("Metoprolol 25 milligrams in the morning and at night.", "twice daily"),  # D206 still first
])
def test_in_the_morning_is_a_daily_dose(said: str, frequency: str) -> None:
    meds = insights(("D", "Any medicines?"), ("P", said))["medications"]
    assert [m["frequency"] for m in meds] == [frequency]


def test_in_the_morning_before_another_drug_s_instruction_is_the_first_drug_s_daily_dose() -> None:
    meds = {m["name"]: m["frequency"] for m in insights(
        ("D", "Take lisinopril 10 milligrams in the morning and at night take the atorvastatin 40 milligrams."))["medications"]}
    assert meds["lisinopril"] == "once daily"
