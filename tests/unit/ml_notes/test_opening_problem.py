"""D217: chief complaints the patient opens with that name no symptom: a condition flaring or worse, an injury, a
refill (written from common ways patients open a visit, not from any fixture visit)."""

from __future__ import annotations

import pytest

from ._dialogue import insights

_ASK = ("D", "What brings you in today?")


@pytest.mark.parametrize("said, complaint", [
    ("My asthma has been acting up this week.", "asthma flare"),
    ("My eczema is getting worse.", "worsening eczema"),
    ("I sprained my wrist.", "wrist injury"),
    ("I twisted my right ankle playing soccer.", "right ankle injury"),
    ("I need a refill on my blood pressure medicine.", "medication refill"),
])
def test_an_opening_that_names_no_symptom_gives_the_chief_complaint(said: str, complaint: str) -> None:
    assert insights(_ASK, ("P", said))["chief_complaint"] == complaint


def test_a_flare_is_told_with_the_symptoms_said_with_it() -> None:
    said = ("P", "My asthma has been acting up. I've been wheezing a lot.")
    assert insights(_ASK, said)["chief_complaint"] == "asthma flare with wheezing"


def test_a_flare_the_clinician_asks_about_counts_when_the_patient_side_confirms_it() -> None:
    ins = insights(("D", "Hi. So the asthma's been acting up?"), ("F", "It has. He's been wheezing for four days."))
    assert ins["chief_complaint"] == "asthma flare with wheezing"


@pytest.mark.parametrize("turns", [
    (_ASK, ("P", "My asthma is not acting up, I just need a form signed.")),
    (("D", "So your eczema is worse?"), ("P", "No, it's fine.")),
])
def test_a_denied_flare_is_no_chief_complaint(turns: tuple[tuple[str, str], ...]) -> None:
    assert "flare" not in (insights(*turns)["chief_complaint"] or "")
    assert "worsening" not in (insights(*turns)["chief_complaint"] or "")


def test_a_symptom_and_its_mechanism_still_come_first_for_an_injury() -> None:
    said = ("P", "I rolled my right ankle yesterday and it is swollen.")
    assert insights(_ASK, said)["chief_complaint"] == "right ankle swelling after a twisting injury"


@pytest.mark.parametrize("said, complaint", [
    ("I've got psoriasis on both elbows, and it itches.", "psoriasis on both elbows"),
    ("She has eczema behind her knees.", "eczema behind the knees"),
    ("He's got warts on his hands. They hurt when he grips things.", "warts on the hands"),
])
def test_a_condition_shown_on_the_body_in_the_first_turn_is_the_chief_complaint(said: str, complaint: str) -> None:
    """D232: a lesion named with its place in the patient side's first turn comes before the symptoms told later."""
    assert insights(_ASK, ("P", said))["chief_complaint"] == complaint


@pytest.mark.parametrize("turns", [
    (_ASK, ("P", "I don't have warts on my feet anymore. My knee hurts.")),
    (_ASK, ("P", "My knee hurts."), ("D", "Anything else?"), ("P", "I've got warts on my hands too.")),
])
def test_a_denied_or_later_lesion_leaves_the_symptom_the_chief_complaint(turns: tuple[tuple[str, str], ...]) -> None:
    assert insights(*turns)["chief_complaint"] == "knee pain"
