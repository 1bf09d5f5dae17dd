"""Times of day listed as a schedule, "and then" inside one instruction, and a plan's dose a few words in (D299)."""
from __future__ import annotations

import pytest

from medisync.ml.notes.medications import parse_frequency

from ._dialogue import medication_map


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("2 in the morning and 2 at night", "twice daily"),
        ("morning , noon and night", "three times daily"),
        ("with breakfast and with dinner", "twice daily"),
        ("in the morning and at night take the atorvastatin", "once daily"),  # another instruction starts there
        ("at night", "at bedtime"),
    ],
)
def test_times_of_day_listed_are_a_schedule(text: str, frequency: str) -> None:
    assert parse_frequency(text) == frequency


def test_a_frequency_sentence_with_a_trailing_clause_follows_the_drug() -> None:
    got = medication_map(("D", "Anything you take for it?"),
                         ("P", "I've been taking Aleve. One in the morning and one at night, since last weekend."))
    assert got["naproxen"][1] == "twice daily"


def test_and_then_inside_one_instruction_keeps_the_frequency() -> None:
    got = medication_map(("D", "So, nystatin suspension. Five milliliters, swish it around for a minute and then "
                               "swallow, four times a day, for ten days."))
    assert got["nystatin"] == ("5 ml", "four times daily")


def test_and_then_before_a_new_instruction_still_ends_the_regimen() -> None:
    got = medication_map(("D", "Take prednisone 40 mg for five days and then take 20 mg twice a day for five days."))
    assert got["prednisone"] == ("40 mg", None)


def test_a_plans_dose_a_few_words_into_the_next_sentence_is_the_drugs() -> None:
    got = medication_map(("D", "So let's change the Miralax. Half a capful, that's about eight and a half grams, "
                               "in a glass of juice, once a day."))
    assert got["polyethylene glycol"] == ("8.5 g", "once daily")
