"""A symptom that is a dose's occasion or what worsens another complaint, a reaction told after "I had it for ...",
"a few years back", and a fear are no findings (D318)."""
from __future__ import annotations

import pytest

from ._dialogue import insights, symptom_map


@pytest.mark.parametrize("turns", [
    (("D", "Has it gotten worse?"), ("P", "Slowly. It's worse when I'm nervous or tired.")),
    (("D", "What does he take?"), ("F", "The albuterol inhaler, two puffs when he's wheezy, which is hardly ever.")),
    (("D", "Any allergies to medicines?"),
     ("P", "Bactrim. I had it for a staph thing on my leg a few years back, and I got a rash, and then the skin "
           "peeled off my hands and feet.")),
    (("D", "We can use cephalexin."), ("P", "Is that anything like Bactrim? I don't want to peel again.")),
    (("D", "Any history?"), ("P", "I had a rash on my arm a few years back.")),
])
def test_no_finding(turns: tuple[tuple[str, str], ...]) -> None:
    assert symptom_map(insights(*turns)) == {}


def test_the_reaction_is_still_the_allergy() -> None:
    got = insights(("D", "Any allergies to medicines?"),
                   ("P", "Bactrim. I had it for a staph thing a few years back, and I got a rash."))
    assert got["allergies"] == [{"substance": "sulfa", "reaction": "rash"}]


def test_plain_tiredness_is_still_told() -> None:
    assert symptom_map(insights(("D", "Anything else?"), ("P", "I'm tired all the time and nervous.")))["fatigue"][0]


def test_a_fear_hides_no_later_complaint() -> None:
    got = symptom_map(insights(("D", "What brings you in?"), ("P", "I'm scared of needles and I have a bad cough.")))
    assert got["cough"][0] is True
