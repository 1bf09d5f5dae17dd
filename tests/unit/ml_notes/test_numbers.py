from __future__ import annotations

import pytest

from medisync.ml.notes.numbers import replace_number_words, words_to_number
from medisync.ml.notes.text import tokenize


@pytest.mark.parametrize(
    ("spoken", "value"),
    [
        ("one hundred eighty", 180),
        ("one hundred and twenty", 120),
        ("a hundred", 100),
        ("one thousand", 1000),
        ("two thousand five hundred", 2500),
        ("thirty eight point five", 38.5),
        ("ninety eight point six", 98.6),
        ("point five", 0.5),
        ("one and a half", 1.5),
        ("ninety four", 94),
        ("nineteen", 19),
        ("one forty eight", 148),  # colloquial blood pressure
        ("one oh five", 105),
        ("twenty", 20),
        ("seventy-eight", 78),
    ],
)
def test_words_to_number(spoken: str, value: float) -> None:
    assert words_to_number(spoken) == value


def test_adjacent_numbers_split() -> None:
    assert replace_number_words("two three".split()) == ["2", "3"]
    assert words_to_number("two three") is None


def test_runs_are_replaced_in_context() -> None:
    toks = replace_number_words("pressure is one hundred fifty two over ninety four today".split())
    assert toks == ["pressure", "is", "152", "over", "94", "today"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one hundred fifty two over ninety four", ["152", "over", "94"]),
        ("152/94", ["152", "/", "94"]),
        ("temp thirty eight point five", ["temp", "38.5"]),
        ("oxygen ninety four percent", ["oxygen", "94", "%"]),
        ("Oxygen 94%.", ["oxygen", "94", "%", "."]),
        ("respiratory rate twenty two", ["respiratory", "rate", "22"]),
        ("weighs eighty kilos", ["weighs", "80", "kg"]),
        ("10mg", ["10", "mg"]),
        ("1,000 milligrams", ["1000", "mg"]),
        ("one thousand milligrams", ["1000", "mg"]),
        ("It's 38 point five", ["it", "is", "38.5"]),
        ("I don't", ["i", "do", "not"]),
    ],
)
def test_tokenize_normalises_numbers_and_units(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


def test_whispers_hundreds_and_units_in_digits_are_one_number() -> None:
    # Whisper writes "two hundred and nine pounds" as "200 and 9 pounds" (tune-05's weight)
    assert replace_number_words("you weigh 200 and 9 pounds".split()) == ["you", "weigh", "209", "pounds"]
    assert replace_number_words("between 100 and 50".split()) == ["between", "100", "and", "50"]
    assert replace_number_words("125 and 9".split()) == ["125", "and", "9"]
    assert replace_number_words("200 and 80".split()) == ["200", "and", "80"]


def test_whispers_digits_and_a_half_are_one_number() -> None:
    """D172: Whisper writes "seven and a half milligrams" as "7 and a half milligrams"."""
    assert tokenize("add meloxicam, 7 and a half milligrams, once a day") == [
        "add", "meloxicam", ",", "7.5", "mg", ",", "once", "a", "day"]
    assert tokenize("2 and a half weeks") == ["2.5", "weeks"]
    assert tokenize("I have 2 and a cough") == ["i", "have", "2", "and", "a", "cough"]


@pytest.mark.parametrize(("said", "read"), [
    ("eight seventy five milligrams twice a day", "875 milligrams twice a day"),  # D256
    ("five twenty five milligrams", "525 milligrams"),
    ("at seven thirty in the morning", "at 7 30 in the morning"),  # no dose unit: not hundreds
    ("he is five ten", "he is 5 10"),
    ("take three forty milligram tablets", "take 3 40 milligram tablets"),  # tablets counted
])
def test_hundreds_said_without_hundred_before_a_dose_unit(said: str, read: str) -> None:
    assert " ".join(replace_number_words(said.split())) == read
