"""A complaint dated to childhood, and one said to be over (D279)."""
from __future__ import annotations

from ._dialogue import insights, symptom_map


def test_hives_when_the_patient_was_six_are_no_present_symptom() -> None:
    out = insights(("D", "Any allergies?"),
                   ("F", "Erythromycin, Noor. When you were six, for strep, you broke out in hives from head to toe."))
    assert "hives" not in symptom_map(out)
    assert out["allergies"] == [{"substance": "erythromycin", "reaction": "hives"}]


def test_a_childhood_complaint_beside_a_present_one() -> None:
    got = symptom_map(insights(("D", "Any other problems?"), ("P", "I had croup when I was little. Now I have a cough.")))
    assert got.get("cough", (False,))[0] is True and "croup" not in got


def test_still_after_a_childhood_onset_keeps_it_present() -> None:
    got = symptom_map(insights(("D", "How old were you?"), ("P", "When I was twenty I got the rash, and I still have it.")))
    assert got["rash"][0] is True


def test_a_complaint_said_to_be_mostly_done_is_not_present() -> None:
    got = symptom_map(insights(("D", "When was your last period?"),
                               ("P", "Two years ago this past October. The hot flashes are mostly done, thank God.")))
    assert got["hot flashes"][0] is False
