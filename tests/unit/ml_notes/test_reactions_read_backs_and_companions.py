"""A drug's reaction is no complaint, a fear is no finding, a companion's own symptom, warning signs read back
(D341)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_a_reaction_fragment_after_the_allergen() -> None:
    out = insights(("D", "Any allergies?"), ("P", "Codeine. Hives, head to toe, after my wisdom teeth."))
    assert out["symptoms"] == []
    assert out["allergies"] == [{"substance": "codeine", "reaction": "hives"}]


def test_breaking_out_after_a_drug_is_its_reaction() -> None:
    got = symptom_map(insights(("D", "Anything tried?"),
                               ("P", "Urgent care gave me Bactrim in September, and I broke out in hives after three "
                                     "days, so they stopped it.")))
    assert "hives" not in got


def test_breaking_out_without_a_drug_is_a_complaint() -> None:
    got = symptom_map(insights(("D", "What brings you in?"), ("P", "I broke out in hives yesterday after the hike.")))
    assert got["hives"][0] is True


def test_a_feared_diagnosis_is_no_finding() -> None:
    got = symptom_map(insights(("D", "What happened?"),
                               ("F", "Her hands twitched a couple of times, and I thought, oh my God, a seizure.")))
    assert "seizure" not in got


def test_a_companion_s_own_symptom_with_a_later_clause() -> None:
    got = symptom_map(insights(("D", "Any heart trouble in the family?"),
                               ("F", "I have palpitations, my doctor put me on metoprolol for them.")))
    assert "palpitations" not in got


def test_warning_signs_read_back_are_no_findings() -> None:
    got = symptom_map(insights(("D", "If it turns red, hot, really painful, or you get a fever, call me that day."),
                               ("P", "Red, hot, fever, call. Got it.")))
    assert "fever" not in got


def test_a_short_yes_naming_the_finding_still_counts() -> None:
    got = symptom_map(insights(("D", "Any fever?"), ("P", "Fever, yes. Since Monday.")))
    assert got["fever"][0] is True


def test_hives_despite_an_antihistamine_are_the_complaint() -> None:
    got = symptom_map(insights(("D", "What's going on?"),
                               ("P", "I take Zyrtec every day but I broke out in hives again this morning.")))
    assert got["hives"][0] is True
