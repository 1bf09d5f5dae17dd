"""A problem-oriented A&P: each coded problem, then the plan lines that belong to it (D88).

A line goes under a problem only when every clinician sentence it came from is about that one coded
problem; a drug named for two problems, after a problem that was not coded, or after the patient
changed the subject stays in the ungrouped tail. Grouping adds no text.
"""

from __future__ import annotations

from typing import Any

from medisync.ml.notes import ExtractiveNoteGenerator
from medisync.ml.notes.templates import NoteTemplate, get_template
from tests.unit.ml_notes._dialogue import transcript

TWO_PROBLEMS = (
    ("D", "My assessment is type two diabetes. For your diabetes, let us increase the metformin to 1000 mg twice daily."),
    ("P", "Okay."),
    ("D", "And I will order a hemoglobin A1c."),
    ("D", "For your second problem, your hypertension, continue the lisinopril 20 mg once daily."),
)


def _ap(*turns: tuple[str, str], template: str | NoteTemplate = "hp") -> dict[str, Any]:
    note = ExtractiveNoteGenerator().generate(transcript(*turns), template=template)
    return next(s for s in note["sections"] if "plan" in s["key"])


def _problem_of(section: dict[str, Any], word: str) -> str | None:
    return next(line.get("problem") for line in section["lines"] if word in line["text"].lower())


def test_plan_lines_are_written_under_their_problem() -> None:
    ap = _ap(*TWO_PROBLEMS)
    assert _problem_of(ap, "change metformin") == "E11"
    assert _problem_of(ap, "order hemoglobin a1c") == "E11"  # across the patient's "Okay."
    assert _problem_of(ap, "continue lisinopril") == "I10"
    blocks = ap["text"].split("\n\n")
    assert blocks[0].startswith("Type 2 diabetes") and "- Change metformin" in blocks[0]
    assert "lisinopril" not in blocks[0]
    assert any("(ICD-10-CM I10)" in b.split("\n")[0] and "- Continue lisinopril" in b for b in blocks)


def test_grouping_adds_no_text() -> None:
    ap = _ap(*TWO_PROBLEMS)
    shown = [row.removeprefix("- ") for row in ap["text"].split("\n") if row.strip()]
    assert shown == [line["text"] for line in ap["lines"]]


def test_a_drug_named_for_two_problems_stays_ungrouped() -> None:
    ap = _ap(("D", "My assessment is hypertension and heart failure."),
             ("D", "For your hypertension, continue the lisinopril 20 mg once daily."),
             ("D", "For your heart failure, we also want the lisinopril, and start furosemide 20 mg daily."))
    assert _problem_of(ap, "continue lisinopril") is None
    assert _problem_of(ap, "start furosemide") == "I50"


def test_a_problem_that_was_not_coded_ends_the_previous_problem() -> None:
    # the shoulder is a problem with no code: its drug must not land under the diabetes discussed before
    ap = _ap(("D", "My assessment is type two diabetes, continue the metformin 500 mg twice daily."),
             ("D", "For your next problem, the pain in your shoulder, start meloxicam 15 mg once daily."))
    assert _problem_of(ap, "continue metformin") == "E11"
    assert _problem_of(ap, "start meloxicam") is None


def test_the_patient_changing_the_subject_ends_the_problem() -> None:
    ap = _ap(("D", "My assessment is type two diabetes. We will increase the metformin to 1000 mg twice daily."),
             ("P", "Can I also ask about my knee, it has been hurting when I climb the stairs for weeks now?"),
             ("D", "Sure, start ibuprofen 400 mg three times a day."))
    assert _problem_of(ap, "change metformin") == "E11"
    assert _problem_of(ap, "start ibuprofen") is None


def test_a_template_can_keep_the_plan_flat() -> None:
    raw = get_template("hp").describe()
    sections = [{"key": s["key"], "title": s["title"], "guidance": s["guidance"]} for s in raw["sections"]]
    sections[-1]["arrange"] = "flat"
    sections[-1]["content"] = ["assessment", "plan"]
    flat = NoteTemplate.from_dict({**raw, "id": "hp-flat", "sections": sections})
    ap = _ap(*TWO_PROBLEMS, template=flat)
    assert "\n\n" not in ap["text"] and "- " not in ap["text"]
    assert _problem_of(ap, "continue lisinopril") == "I10"  # the line still says what it belongs to


def test_soap_keeps_assessment_and_plan_apart() -> None:
    note = ExtractiveNoteGenerator().generate(transcript(*TWO_PROBLEMS), template="soap")
    plan = next(s for s in note["sections"] if s["key"] == "plan")
    assert "- " not in plan["text"] and "Type 2 diabetes" not in plan["text"]
