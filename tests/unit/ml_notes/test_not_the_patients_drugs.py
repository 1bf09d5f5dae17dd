"""A companion's own drug named again by the clinician, a drug the patient asks about, an option for later (D274)."""
from __future__ import annotations

from ._dialogue import insights


def _names(*turns: tuple[str, str]) -> list[str]:
    return [m["name"] for m in insights(*turns)["medications"]]


def test_a_companion_s_own_cream_named_again_by_the_clinician_is_not_the_patient_s() -> None:
    assert _names(("F", "When I burned my hand on the grill they gave me a cream, Silvadene. Should she have that?"),
                  ("D", "Silvadene is for real burns from heat. And that tube was prescribed for you.")) == []


def test_a_companion_s_drug_for_their_own_condition() -> None:
    assert _names(("F", "I have clobetasol for my psoriasis. Could I put some of that on him?")) == []


def test_a_drug_the_patient_read_about_or_asks_about_is_not_taken() -> None:
    assert _names(("P", "I read about a pill on TikTok. Olumiant? A girl said her hair grew back.")) == []
    assert _names(("F", "What about the Rogaine? Should she keep trying it?")) == []


def test_an_option_for_later_is_not_started() -> None:
    assert _names(("D", "The dermatologist may add minoxidil later. What I'm starting today is clobetasol solution."),
                  ) == ["clobetasol"]


def test_a_drug_the_patient_says_they_keep_for_their_own_headaches_is_theirs() -> None:
    assert _names(("P", "I have Tylenol for my headaches.")) == ["acetaminophen"]
