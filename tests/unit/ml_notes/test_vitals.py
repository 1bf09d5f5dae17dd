from __future__ import annotations

import pytest

from ._dialogue import insights


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your blood pressure is one hundred fifty two over ninety four.", {"bp_systolic": 152, "bp_diastolic": 94}),
        ("BP 152/94, pulse 88.", {"bp_systolic": 152, "bp_diastolic": 94, "heart_rate": 88}),
        ("Temp thirty eight point five, oxygen ninety four percent, respiratory rate twenty two.",
         {"temperature_c": 38.5, "spo2": 94, "respiratory_rate": 22}),
        ("Your temperature is ninety eight point six degrees.", {"temperature_c": 37.0}),
        ("She weighs eighty kilos.", {"weight_kg": 80}),
        ("You weigh one hundred eighty pounds.", {"weight_kg": 81.6}),
        ("Heart rate is seventy two and oxygen saturation is 97%.", {"heart_rate": 72, "spo2": 97}),
    ],
)
def test_spoken_vitals(text: str, expected: dict[str, float]) -> None:
    vit = insights(("D", text))["vitals"]
    assert {k: v for k, v in vit.items() if v is not None} == expected


def test_home_readings_are_not_visit_vitals() -> None:
    vit = insights(
        ("P", "At home my readings are around one hundred fifty over ninety five."),
        ("D", "My home readings log says one sixty over ninety. Your blood pressure here is one hundred forty eight over ninety four."),
    )["vitals"]
    assert (vit["bp_systolic"], vit["bp_diastolic"]) == (148, 94)


def test_patient_reported_values_are_ignored() -> None:
    vit = insights(("P", "I had a fever of one hundred one last night."))["vitals"]
    assert all(v is None for v in vit.values())


def test_kilograms_in_a_clinician_statement_are_the_weight_even_when_weighs_is_misheard() -> None:
    from ._dialogue import insights

    assert insights(("D", "His temperature is 38.6 and he wears 18 kilograms."))["vitals"]["weight_kg"] == 18
    assert insights(("P", "I carried 18 kilograms of groceries."))["vitals"]["weight_kg"] is None


@pytest.mark.parametrize(("said", "expected"), [
    ("You're at a hundred and one point two, so you do have a fever.", {"temperature_c": 38.4}),
    ("You're running about 38.5, a low grade fever.", {"temperature_c": 38.5}),
    ("Your heart rate is at 101 because of the fever.", {"heart_rate": 101}),
    ("We're at 100 percent on the fever medicine plan.", {}),
])
def test_a_temperature_said_before_the_word_fever(said: str, expected: dict[str, float]) -> None:
    """D187, sentences written for this test."""
    vitals = insights(("D", said))["vitals"]
    assert {k: v for k, v in vitals.items() if v is not None} == expected


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("Blood pressure today is 134 or 86, and you weigh 70 kilos.", {"bp_systolic": 134, "bp_diastolic": 86, "weight_kg": 70}),
        ("Your pressure is one thirty-eight of a ninety.", {"bp_systolic": 138, "bp_diastolic": 90}),
        ("Temperature 98.2, blood pressure 118 over 72, plus 64.", {"temperature_c": 36.8, "bp_systolic": 118, "bp_diastolic": 72, "heart_rate": 64}),
        ("Oxygen is 95%, part rate 110.", {"spo2": 95, "heart_rate": 110}),
        ("Respiration 16, pulse 70.", {"respiratory_rate": 16, "heart_rate": 70}),
        # not a reading: alternatives asked or ranges aimed at; "plus" without a reading beside it
        ("We want your pressure at 130 or lower.", {}),
        ("Is it 140 or 150?", {}),
        ("Take one tablet, plus 50 more milligrams if needed.", {}),
    ],
)
def test_whisper_s_over_and_pulse_in_a_list_of_readings(said: str, expected: dict[str, float]) -> None:
    """D190: Whisper's "or" / "of a" for "over", "plus" and "part rate" for the pulse; written for this test."""
    vit = insights(("D", said))["vitals"]
    assert {k: v for k, v in vit.items() if v is not None} == expected


def test_a_third_speaker_s_roll_call_of_readings_is_measured_but_a_relative_s_account_is_not() -> None:
    """D190: a nurse the diarizer took for ``other`` hands over the readings; a relative tells of earlier ones."""
    nurse = insights(("F", "She's in for a rash, temp 97.9, pulse 76, sats 99%."), ("D", "Hello, what's going on?"))
    assert {k: v for k, v in nurse["vitals"].items() if v is not None} == {
        "temperature_c": 36.6, "heart_rate": 76, "spo2": 99}
    parent = insights(("F", "His temperature was 102 and his pulse was racing."), ("D", "Okay."))
    alone = insights(("F", "Her temperature is 38."), ("D", "Okay."))
    assert all(v is None for v in parent["vitals"].values())
    assert all(v is None for v in alone["vitals"].values())
