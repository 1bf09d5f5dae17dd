"""D219: a drug class said by its name is written as that class, never as one drug of it (written from common
ways patients name their medicines, not from any fixture visit)."""

from __future__ import annotations

import pytest

from ._dialogue import insights

_ASK = ("D", "What medicines do you take?")


def _names(answer: str) -> list[str]:
    return [m["name"] for m in insights(_ASK, ("P", answer))["medications"]]


@pytest.mark.parametrize("answer, written, never", [
    ("I'm on birth control pills.", "oral contraceptive", "ethinyl estradiol norgestimate"),
    ("I take my water pill every morning.", "diuretic", "hydrochlorothiazide"),
    ("I use my rescue inhaler as needed.", "rescue inhaler", "albuterol"),
    ("I take an iron pill.", "iron supplement", "ferrous sulfate"),
])
def test_a_class_said_by_its_name_is_no_drug_of_it(answer: str, written: str, never: str) -> None:
    names = _names(answer)
    assert written in names and never not in names


@pytest.mark.parametrize("answer, drug, cls", [
    ("Furosemide 40 milligrams, that's my water pill.", "furosemide", "diuretic"),
    ("An iron pill, ferrous sulfate 325.", "ferrous sulfate", "iron supplement"),
])
def test_the_class_name_of_a_drug_named_too_is_that_drug_said_again(answer: str, drug: str, cls: str) -> None:
    names = _names(answer)
    assert drug in names and cls not in names


def test_a_brand_still_names_its_drug() -> None:
    assert _names("I take Sprintec.") == ["ethinyl estradiol norgestimate"]
