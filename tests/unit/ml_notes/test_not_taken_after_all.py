"""Drugs that are not taken after all: one asked whether it is needed, one the patient never took that the
clinician names later, one that waits on a test's result (D336)."""
from __future__ import annotations

from ._dialogue import insights


def _meds(out: dict) -> dict[str, dict]:
    return {m["name"]: m for m in out["medications"]}


def test_asking_whether_one_needs_a_drug_is_no_report() -> None:
    out = insights(("D", "Any allergies?"), ("P", "Penicillin, I get hives."), ("D", "Okay."),
                   ("P", "Do I need an EpiPen?"),
                   ("D", "No, hives from penicillin don't call for one."))
    assert "epinephrine" not in _meds(out)


def test_a_drug_never_taken_stays_off_when_the_clinician_names_it_later() -> None:
    out = insights(("D", "Have you taken anything for it?"),
                   ("P", "My sister gave me her leftover amoxicillin. I didn't take it, though."),
                   ("D", "Good. It spreads by saliva. And this is why the amoxicillin was a bad idea."))
    assert "amoxicillin" not in _meds(out)


def test_a_drug_that_waits_on_a_result_is_not_started() -> None:
    out = insights(("D", "I'd like a ferritin today."),
                   ("D", "If the ferritin is low, we'll add iron. Keep taking your lisinopril."))
    meds = _meds(out)
    assert "ferrous sulfate" not in meds
    assert "lisinopril" in meds


def test_a_drug_started_after_a_condition_on_another_drug_is_started() -> None:
    out = insights(("D", "If the culture is positive, we'll talk about antibiotics. For now, start ibuprofen four "
                         "hundred milligrams three times a day."))
    assert _meds(out)["ibuprofen"]["status"] == "new"
