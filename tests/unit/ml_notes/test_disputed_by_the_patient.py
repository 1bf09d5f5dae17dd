"""A companion's claim the patient denies of themself is written as possible, for the clinician to settle (D301)."""
from __future__ import annotations

from ._dialogue import insights


def _symptoms(*turns: tuple[str, str]) -> dict[str, dict]:
    return {s["name"]: s for s in insights(*turns)["symptoms"]}


def test_a_claim_the_patient_denies_is_possible() -> None:
    got = _symptoms(("D", "What's going on?"),
                    ("F", "He's been throwing up. And he's lost weight, I can see it."),
                    ("P", "Dad. I haven't lost weight. It's just my stomach."))
    assert got["weight loss"]["present"] is True and got["weight loss"]["certainty"] == "uncertain"
    assert got["vomiting"].get("certainty") is None


def test_a_denial_of_the_present_only_disputes_nothing() -> None:
    got = _symptoms(("D", "What's going on?"), ("F", "She's had a fever for two days."),
                    ("P", "I don't have a fever now."))
    assert got["fever"]["present"] is True and got["fever"].get("certainty") is None


def test_a_disputed_finding_does_not_lead_the_chief_complaint() -> None:
    got = insights(("D", "What brings you in?"), ("F", "She's been sick to her stomach. And she's lost weight."),
                   ("P", "Mom. I haven't lost weight. My stomach gets really bloated after meals."))
    assert "weight" not in str(got["chief_complaint"]).lower()
