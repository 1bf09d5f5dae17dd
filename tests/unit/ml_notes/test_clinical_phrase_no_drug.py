"""D170: a phrase of the clinical vocabularies is never a misheard drug name.  "For blood pressure" sounded
like metoprolol (0.81): it went to the clinician's review list as an unclear drug, and the dose said in the
same sentence lost its drug.  Sentences written for this test."""

from __future__ import annotations

from ._dialogue import insights


def test_for_blood_pressure_is_no_unclear_drug_and_the_dose_keeps_its_drug() -> None:
    ins = insights(("D", "What do you take?"),
                   ("P", "I also take lisinopril. 10 milligrams every morning, for blood pressure."))
    assert [(m["name"], m["dose"]) for m in ins["medications"]] == [("lisinopril", "10 mg")]
    assert ins["needs_review"] == []


def test_a_drug_heard_as_several_words_is_still_matched() -> None:
    ins = insights(("D", "What do you take?"), ("P", "I take metro pro lol for my heart."))
    assert [m["name"] for m in ins["medications"]] == ["metoprolol"]


def test_a_regimen_opening_a_sentence_before_a_drug_is_the_last_drugs() -> None:
    """D171: the recorder's sentence break in "... and Sudafed. 30 milligrams every six hours, plus atorvastatin
    20 milligrams at night": the leading regimen is Sudafed's, as a sentence of its own would be."""
    ins = insights(("D", "What have you been taking?"),
                   ("P", "Mucinex, 600 milligrams twice a day, and Sudafed. 30 milligrams every six hours, plus "
                         "atorvastatin 20 milligrams at night."))
    regimens = {m["name"]: (m["dose"], m["frequency"]) for m in ins["medications"]}
    assert regimens == {"guaifenesin": ("600 mg", "twice daily"), "pseudoephedrine": ("30 mg", "every 6 hours"),
                        "atorvastatin": ("20 mg", "at bedtime")}


def test_a_dose_said_of_the_next_drug_is_not_the_last_drugs() -> None:
    """D171's reading stops before "20 milligrams of lisinopril": that dose is lisinopril's, never metformin's."""
    ins = insights(("D", "What do you take?"), ("P", "I take metformin. And 20 milligrams of lisinopril daily."))
    assert {m["name"]: m["dose"] for m in ins["medications"]} == {"metformin": None, "lisinopril": "20 mg"}


def test_bare_calcium_is_written_as_said_not_as_one_salt() -> None:
    """D174: "my calcium" was written "calcium citrate", a salt nobody named (carbonate is as common)."""
    ins = insights(("D", "What do you take?"), ("P", "Levothyroxine, 50 micrograms every morning, and calcium "
                                                   "600 milligrams twice a day."))
    assert {m["name"] for m in ins["medications"]} == {"levothyroxine", "calcium"}
