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
