"""Allergic rhinoconjunctivitis and lip swelling as reactions, and two reactions said side by side (D300)."""
from __future__ import annotations

import pytest

from ._dialogue import insights


def _reactions(answer: str) -> dict[str, str | None]:
    got = insights(("D", "Any allergies?"), ("P", answer))["allergies"]
    return {a["substance"].lower(): a["reaction"] for a in got}


@pytest.mark.parametrize(
    ("answer", "substance", "reaction"),
    [
        ("Not to medicines. I'm allergic to dust, though. Sneezing and itchy eyes.", "dust mites",
         "sneezing and itchy eyes"),
        ("Peanuts. My lips blow up like a balloon.", "peanuts", "lip swelling"),
        ("Sulfa gives me hives and swelling.", "sulfa", "hives and swelling"),
        ("Codeine, dizziness and vomiting.", "codeine", "dizziness and vomiting"),
        ("Penicillin. I broke out in hives.", "penicillin", "hives"),  # one reaction said in two lexicon entries
    ],
)
def test_the_reaction_is_read(answer: str, substance: str, reaction: str) -> None:
    assert _reactions(answer)[substance] == reaction
