"""D276: the fact scorer reads a drug said with its dosage form, or a combination in another order, as one drug."""

from __future__ import annotations

import pytest

from medisync.ml.notes.evaluation import score


def _counts(expected: str, predicted: str) -> tuple[int, int, int]:
    med = {"dose": None, "frequency": None, "status": "active"}
    c = score({"medications": [{"name": expected, **med}]}, {"medications": [{"name": predicted, **med}]})["medications"]
    return c.tp, c.fp, c.fn


@pytest.mark.parametrize(
    ("expected", "predicted"),
    [
        ("hydrocortisone cream", "hydrocortisone"),
        ("ketoconazole shampoo", "ketoconazole"),
        ("estradiol vaginal cream", "estradiol"),
        ("timolol eye drops", "timolol"),
        ("norgestimate-ethinyl estradiol", "ethinyl estradiol norgestimate"),
        ("Tylenol", "acetaminophen"),
    ],
)
def test_the_same_drug_named_with_its_form_or_in_another_order(expected: str, predicted: str) -> None:
    assert _counts(expected, predicted)[0] >= 1


@pytest.mark.parametrize(("expected", "predicted"), [("hydrocortisone cream", "clobetasol"), ("estradiol", "estriol")])
def test_different_drugs_still_differ(expected: str, predicted: str) -> None:
    assert _counts(expected, predicted)[0] == 0
