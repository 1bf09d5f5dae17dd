"""D120: the fact scorer reads an allergy class by its name, as it reads a drug by its generic name."""

from __future__ import annotations

from medisync.ml.notes.evaluation import score


def _counts(expected: str, predicted: str) -> tuple[int, int, int]:
    c = score({"allergies": [{"substance": expected, "reaction": None}]},
              {"allergies": [{"substance": predicted, "reaction": None}]})["allergies"]
    return c.tp, c.fp, c.fn


def test_a_class_said_two_ways_is_one_allergy() -> None:
    assert _counts("sulfa drugs", "sulfa") == (1, 0, 0)
    assert _counts("Bactrim", "sulfa") == (1, 0, 0)  # a term of the class in allergies.json


def test_different_substances_still_differ() -> None:
    assert _counts("sulfa drugs", "penicillin") == (0, 1, 1)
    assert _counts("codeine", "morphine") == (0, 1, 1)
