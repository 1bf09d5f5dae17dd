"""D160: a dose measured in spoons (a powder or a liquid) is a dose.  Phrasings written for this test."""

from __future__ import annotations

from ._dialogue import insights


def test_a_dose_in_spoons_is_a_dose() -> None:
    meds = {m["name"]: (m["dose"], m["frequency"]) for m in insights(
        ("D", "Start Metamucil, one tablespoon daily. Give him two teaspoons of amoxicillin twice a day."))[
        "medications"]}
    assert meds == {"psyllium": ("1 tablespoon", "once daily"), "amoxicillin": ("2 teaspoons", "twice daily")}


def test_a_spoon_heard_as_two_words_is_one_unit() -> None:
    """D197: Whisper writes "one table spoon"; the dose is a tablespoon."""
    meds = {m["name"]: (m["dose"], m["frequency"]) for m in insights(
        ("D", "Start Metamucil, one table spoon daily. Give him two tea spoons of amoxicillin twice a day."))[
        "medications"]}
    assert meds == {"psyllium": ("1 tablespoon", "once daily"), "amoxicillin": ("2 teaspoons", "twice daily")}
