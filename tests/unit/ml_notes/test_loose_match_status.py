"""A loose match of a drug named before (an ASR-damaged repeat) may confirm it, never change it (D84).

The relaxed second pass lets "lease in a pill" stand for a lisinopril the patient already named. With a dose
it still carries the clinician's change ("increase the lease in a pill to 20 mg"); without a dose or a
frequency it cannot stop, start or change the drug: a misheard word must not put an action in the plan.
"""

from __future__ import annotations

from medisync.ml.notes.medications import extract_medications
from medisync.ml.notes.text import build_turns
from tests.unit.ml_notes._dialogue import transcript

TAKES = ("P", "I take metformin 500 mg twice a day and lisinopril 10 mg once a day.")


def _lisinopril(clinician: str) -> dict[str, object]:
    meds = extract_medications(build_turns(transcript(TAKES, ("D", clinician))))
    return next(m for m in meds if m["name"] == "lisinopril")


def test_a_loose_match_without_a_dose_changes_nothing() -> None:
    assert _lisinopril("Stop the lease in a pill.")["status"] == "active"
    assert _lisinopril("Let us increase the lease in a pill.")["status"] == "active"


def test_a_clear_name_or_a_loose_match_with_a_dose_still_acts() -> None:
    assert _lisinopril("Stop the lisinopril.")["status"] == "stopped"
    changed = _lisinopril("Let us increase the lease in a pill to 20 mg once a day.")
    assert (changed["status"], changed["dose"]) == ("changed", "20 mg")
