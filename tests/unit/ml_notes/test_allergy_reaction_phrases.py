"""Allergy reactions as the patient described them: an itchy rash, a blistering rash, a rash and a fever (D349)."""
from __future__ import annotations

from ._dialogue import insights


def _reactions(*turns: tuple[str, str]) -> dict[str, str | None]:
    return {a["substance"]: a["reaction"] for a in insights(*turns)["allergies"]}


def test_a_rash_and_a_fever() -> None:
    got = _reactions(("D", "Any allergies?"), ("P", "Macrobid. I got a rash and a fever from it, years ago."))
    assert got["nitrofurantoin"] == "rash and fever"


def test_an_itchy_rash() -> None:
    got = _reactions(("D", "Any allergies?"), ("P", "Latex. My hands break out in an itchy rash from the gloves."))
    assert got["latex"] == "itchy rash"


def test_a_rash_that_blistered() -> None:
    got = _reactions(("D", "Any allergies?"),
                     ("P", "Sulfa. Years ago it gave me a rash that blistered up all over my chest."))
    assert got["sulfa"] == "blistering rash"


def test_a_plain_rash_stays_a_rash() -> None:
    got = _reactions(("D", "Any allergies?"), ("P", "Penicillin. I got a rash."))
    assert got["penicillin"] == "rash"
