"""A plural that adds "es" after a sibilant stems to its singular (D306): "eyelashes" is "eyelash", as "rashes" is
"rash"; "aches" and "headaches" add only "s"."""
import pytest

from medisync.ml.notes.evaluation import symptom_names_match
from medisync.ml.notes.text import stem


@pytest.mark.parametrize("plural, singular", [
    ("eyelashes", "eyelash"), ("patches", "patch"), ("glasses", "glass"), ("rashes", "rash"),
    ("flashes", "flash"), ("boxes", "box"), ("inches", "inch"), ("twitches", "twitch"),
    ("aches", "ache"), ("headaches", "headache"), ("toothaches", "toothache"), ("bruises", "bruise"),
])
def test_plural_stems_to_its_singular(plural: str, singular: str) -> None:
    assert stem(plural) == stem(singular) == singular


@pytest.mark.parametrize("a, b", [
    ("crusting of eyelashes", "eyelash crusting"),
    ("red patches on cheeks", "red patch on cheek"),
])
def test_names_that_differ_by_number_match(a: str, b: str) -> None:
    assert symptom_names_match(a, b)
