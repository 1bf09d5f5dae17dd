"""A frequency said by applying the drug just named ("Use it twice a week"), a regimen after one bridging
sentence, and grams kept as grams (D298)."""
from __future__ import annotations

import pytest

from medisync.ml.notes.evaluation import _freq_norm

from ._dialogue import medication_map as _meds


@pytest.mark.parametrize(
    ("said", "drug", "frequency"),
    [
        ("For the dandruff, ketoconazole shampoo, two percent. Use it twice a week and leave it on five minutes.",
         "ketoconazole", "2 times a week"),
        ("Clotrimazole cream. It's over the counter. Rub it into the rash twice a day, for two weeks.",
         "clotrimazole", "twice daily"),
    ],
)
def test_a_frequency_said_by_applying_the_drug_just_named(said: str, drug: str, frequency: str) -> None:
    assert _meds(("D", said))[drug][1] == frequency


def test_an_instruction_two_sentences_later_in_another_turn_is_not_read_onto_the_drug() -> None:
    got = _meds(("D", "I'm starting clotrimazole cream."), ("P", "Okay."), ("D", "Any questions? Use it twice a day."))
    assert got["clotrimazole"][1] is None


def test_a_regimen_after_one_bridging_sentence_is_the_drugs() -> None:
    got = _meds(("D", "I'm adding diclofenac gel. It's an anti inflammatory you rub in. "
                      "Four grams on the outside of the knee, four times a day."))
    assert got["diclofenac"] == ("4 g", "four times daily")


@pytest.mark.parametrize(
    ("said", "drug", "dose"),
    [
        ("Apply diclofenac gel, two grams to each hand, four times a day.", "diclofenac", "2 g"),
        ("Take amoxicillin, one gram twice a day.", "amoxicillin", "1 g"),
    ],
)
def test_grams_stay_grams(said: str, drug: str, dose: str) -> None:
    """"Four grams" of a gel is the amount of gel: written as 4000 mg it read as a systemic dose of the drug."""
    assert _meds(("D", said))[drug][0] == dose


def test_the_scorer_takes_twice_weekly_as_two_times_a_week() -> None:
    assert _freq_norm("twice weekly") == _freq_norm("2 times a week") != _freq_norm("twice daily")
    assert _freq_norm("once a week") == _freq_norm("once weekly") != _freq_norm("once daily")
