"""The eyelid of an eyelid condition, and a side said after an apposition with the very part the code leaves
unspecified (D328)."""
from __future__ import annotations

from medisync.ml.notes.evaluation import safety

from ._dialogue import insights, transcript


def _codes(said: str) -> list[str]:
    return [d["icd10"] for d in insights(("P", "It hurts."), ("D", said))["diagnoses"]]


def test_the_upper_eyelid_said_with_the_side() -> None:
    assert _codes("This is a stye, what we call an external hordeolum, of your left upper eyelid.") == ["H00.014"]


def test_all_four_eyelids_of_both_eyes() -> None:
    assert _codes("This is blepharitis, in both eyes, all four eyelids.") == ["H01.00A", "H01.00B"]


def test_no_lid_said_keeps_the_unspecified_eyelid() -> None:
    assert _codes("This is blepharitis of the right eye.") == ["H01.003"]


def test_the_side_after_an_apposition_with_the_same_part() -> None:
    said = ("What you have is an acute paronychia, an infection of the skin fold next to the nail, in your right "
            "index finger.")
    assert _codes(said) == ["L03.011"]


def test_a_side_in_another_clause_is_not_taken() -> None:
    assert _codes("You have otitis media, a middle ear infection, and the right ear looks fine.") == ["H66.90"]


def test_an_eyelid_code_counts_as_stated() -> None:
    said = "This is a stye, what we call an external hordeolum, of your left upper eyelid."
    doc = transcript(("P", "It hurts."), ("D", said))
    assert safety(doc, insights(("P", "It hurts."), ("D", said)))["unstated_diagnoses_coded"] == []


def test_an_upper_said_of_something_else_names_no_lid() -> None:
    codes = _codes("This is blepharitis of the left eye, and an upper respiratory infection.")
    assert "H01.006" in codes and "H01.004" not in codes
