"""A drug the patient is allergic to is never written as the patient's medication (D89).

ACI-Bench train D2N031 ("I have that you're allergic to penicillin") drafted "Continue penicillin." and
D2N032 ("you're allergic to percocet, vicodin and regulin") "Continue oxycodone acetaminophen.": the
clinician's statement of a charted allergy was read as a medication mention.
"""

from __future__ import annotations

from typing import Any

from medisync.ml.notes import ExtractiveNoteGenerator
from tests.unit.ml_notes._dialogue import insights, transcript


def _names(items: list[dict[str, Any]], key: str) -> set[str]:
    return {str(i[key]) for i in items}


def test_a_charted_allergy_the_clinician_states_is_an_allergy_not_a_medication() -> None:
    ins = insights(("D", "Excellent. I have that you're allergic to penicillin. Any other allergies?"),
                   ("P", "Nope, just penicillin."))
    assert _names(ins["allergies"], "substance") == {"penicillin"}
    assert ins["medications"] == []


def test_every_drug_of_a_stated_allergy_list_is_an_allergy() -> None:
    ins = insights(("D", "For your current medications, you are not taking anything. And you're allergic to "
                         "percocet and vicodin."),)
    assert {"oxycodone acetaminophen", "hydrocodone acetaminophen"} <= _names(ins["allergies"], "substance")
    assert ins["medications"] == []


def test_a_start_of_an_allergen_goes_to_review_not_into_the_plan() -> None:
    turns = (("D", "Any allergies?"), ("P", "I'm allergic to amoxicillin, it gives me hives."),
             ("D", "Okay, then let us start amoxicillin 500 mg three times a day."))
    note = ExtractiveNoteGenerator().generate(transcript(*turns), template="hp")
    assert note["insights"]["medications"] == []
    review = [r for r in note["insights"]["needs_review"] if r["reason"] == "recorded allergy"]
    assert [r["heard"] for r in review] == ["amoxicillin"]
    plan = next(s for s in note["sections"] if s["key"] == "assessment_and_plan")
    assert "amoxicillin" not in plan["text"].lower()


def test_questions_negations_and_hypotheticals_are_no_allergy() -> None:
    ins = insights(("D", "You are not allergic to penicillin, right?"), ("P", "Right."),
                   ("D", "If you were allergic to sulfa we would avoid it. Start amoxicillin 500 mg twice a day."),
                   ("D", "She is not allergic to codeine."))
    assert ins["allergies"] == []
    assert _names(ins["medications"], "name") == {"amoxicillin"}


def test_only_the_clause_that_speaks_of_allergies_names_allergens() -> None:
    cases = {
        "I take tiotropium every morning, and I have no drug allergies.": (set(), {"tiotropium"}),
        "I am allergic to penicillin and I take lisinopril daily.": ({"penicillin"}, {"lisinopril"}),
        "I'm allergic to penicillin, and sulfa too.": ({"penicillin", "sulfa"}, set()),
        "Amoxicillin, I am allergic.": ({"amoxicillin"}, set()),
        "Penicillin gives me hives, I am allergic to it.": ({"penicillin"}, set()),
    }
    for said, (allergens, taken) in cases.items():
        ins = insights(("D", "Any allergies or medications?"), ("P", said))
        assert _names(ins["allergies"], "substance") == allergens, said
        assert _names(ins["medications"], "name") == taken, said


def test_a_drug_only_taken_or_named_is_history_never_a_plan_line() -> None:
    turns = (("D", "What do you take for the pain?"), ("P", "I took some ibuprofen, it did not help much."),
             ("D", "Your dexamethasone suppression test was normal."),
             ("D", "Continue him on his lisinopril and his lasix, and start meloxicam 15 mg once daily."))
    note = ExtractiveNoteGenerator().generate(transcript(*turns), template="hp")
    sources = {m["name"]: m["source"] for m in note["insights"]["medications"]}
    assert sources.get("ibuprofen") == "reported" and sources.get("dexamethasone", "mentioned") == "mentioned"
    assert sources["lisinopril"] == sources["furosemide"] == sources["meloxicam"] == "plan"
    plan = next(s for s in note["sections"] if s["key"] == "assessment_and_plan")["text"]
    assert "Continue furosemide." in plan and "Start meloxicam 15 mg once daily." in plan
    assert "ibuprofen" not in plan.lower() and "dexamethasone" not in plan.lower()
    hpi = next(s for s in note["sections"] if s["key"] == "history_of_present_illness")["text"]
    assert any(line.startswith("Reports") and "ibuprofen" in line for line in hpi.split("\n"))


def test_a_negation_stops_a_drug_only_when_it_denies_taking_it() -> None:
    """ACI train D2N041: "make sure we do not have to make any adjustments to their metformin" drafted
    "Stop metformin."; D2N060: "without any ibuprofen, what is your pain level" drafted "Stop ibuprofen"."""
    kept = insights(("P", "I take metformin 1000 mg twice a day."),
                    ("D", "Let us order an A1c to make sure we do not have to make any adjustments to your metformin."),
                    ("D", "And without any ibuprofen, what is your pain level?"))
    assert {m["name"]: m["status"] for m in kept["medications"]}["metformin"] == "active"
    stopped = insights(("P", "I take metformin 1000 mg twice a day and ibuprofen."),
                       ("D", "Do not take the metformin anymore."), ("D", "No ibuprofen for now."))
    assert {m["name"]: m["status"] for m in stopped["medications"]} == {"metformin": "stopped", "ibuprofen": "stopped"}


def test_a_drug_of_an_allergens_class_stays_in_the_plan_and_is_flagged() -> None:
    turns = (("D", "I have that you're allergic to penicillin. Any other allergies?"), ("P", "No."),
             ("D", "For the strep throat I will start amoxicillin 500 mg three times a day."))
    note = ExtractiveNoteGenerator().generate(transcript(*turns), template="hp")
    assert [m["name"] for m in note["insights"]["medications"]] == ["amoxicillin"]
    flagged = [r for r in note["insights"]["needs_review"] if r["reason"].startswith("same class")]
    assert [(r["heard"], r["reason"]) for r in flagged] == [
        ("amoxicillin", "same class as a recorded allergy (penicillin)")]
    plan = next(s for s in note["sections"] if s["key"] == "assessment_and_plan")["text"]
    assert "Start amoxicillin 500 mg three times daily." in plan


def test_another_class_or_a_drug_only_taken_is_not_flagged() -> None:
    ins = insights(("D", "Any allergies?"), ("P", "Penicillin gives me hives. I take ibuprofen sometimes."),
                   ("D", "Start azithromycin 250 mg once daily."))
    assert not [r for r in ins["needs_review"] if r["reason"].startswith("same class")]


def test_a_chart_statement_covers_only_its_own_stretch() -> None:
    """Review: "If you are allergic to penicillin, we would use azithromycin" made azithromycin an allergy,
    and "... and your mother is allergic to sulfa" gave the patient sulfa."""
    cases = {
        "If you are allergic to penicillin, we would use azithromycin instead.": set(),
        "You are allergic to penicillin and your mother is allergic to sulfa.": {"penicillin"},
        "You are allergic to penicillin, so we will start azithromycin 250 mg daily.": {"penicillin"},
        "you are allergic to penicillin so we will start azithromycin 250 mg daily": {"penicillin"},
        "Your allergies are codeine and latex.": {"codeine", "latex"},
    }
    for said, allergens in cases.items():
        assert _names(insights(("D", said))["allergies"], "substance") == allergens, said


def test_an_earlier_no_of_the_sentence_does_not_move_the_allergy_denial() -> None:
    """D162: a drug taken with its dose before "no allergies" is a medication, also when the sentence opens
    with another "no" (an answer to the question before, "no luck"): the cut is at the denial next to its
    allergy word, not at the first "no" of the sentence (tune-17 and tune-21 through the recorder)."""
    cases = {
        "No, never, otherwise just prilosec, 20 milligrams before breakfast, no allergies that I know of.":
            {"omeprazole"},
        "I tried a cream, but no luck, I take lipitor, 40 milligrams at bedtime, no allergies.": {"atorvastatin"},
        "Not really, I take aspirin 81 milligrams daily and I have no known drug allergies.": {"aspirin"},
    }
    for said, taken in cases.items():
        ins = insights(("D", "Anything else?"), ("P", said))
        assert ins["allergies"] == [], said
        assert _names(ins["medications"], "name") == taken, said
    ins = insights(("D", "Any allergies?"), ("P", "No, just penicillin, no other allergies."))
    assert _names(ins["allergies"], "substance") == {"penicillin"}


def test_sulfa_in_the_british_spelling_and_as_sulfur_drugs_is_a_sulfa_allergy() -> None:
    """D163: "sulphur drugs give me a rash" (the recorder's spelling of a sulfa allergy in tune-14), "sulpha"."""
    for said in ("Sulphur drugs give me a rash.", "I'm allergic to sulpha.", "Sulfur drugs gave me hives.",
                 "I react to sulphonamides."):
        ins = insights(("D", "Any allergies?"), ("P", said))
        assert _names(ins["allergies"], "substance") == {"sulfa"}, said
