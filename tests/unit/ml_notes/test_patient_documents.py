"""Patient summaries and letters restate the note, in plain language, and add nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from medisync.ml.notes import ExtractiveNoteGenerator
from medisync.ml.notes.letters import LETTER_KINDS, LetterContext, compose_letter
from medisync.ml.notes.patient_summary import summarize
from medisync.ml.notes.readability import flesch_kincaid_grade, syllables
from tests.conftest import FIXTURES

VISITS = sorted(FIXTURES.glob("dev-*.truth.json")) + sorted((FIXTURES / "extra").glob("*.truth.json"))
SHORTHAND = re.compile(r"\b(BID|TID|QID|PRN|PO|QHS|ICD|mmHg|bpm)\b|\b[A-TV-Z]\d{2}\.\d")


def _note(path: Path) -> dict:
    truth = json.loads(path.read_text())
    return ExtractiveNoteGenerator().generate({"segments": [
        {"speaker": t["speaker"], "role": t["role"], "text": t["text"], "start": t["start"], "end": t["end"]}
        for t in truth["turns"]]})


def test_readability_formula() -> None:
    assert syllables("cat") == 1 and syllables("medicine") == 3 and syllables("table") == 2
    assert flesch_kincaid_grade("Take one pill each day. Call us if you feel sick.") < 3
    assert flesch_kincaid_grade("Antihypertensive pharmacotherapy necessitates comprehensive "
                                "electrocardiographic evaluation.") > 16


@pytest.mark.parametrize("visit", VISITS, ids=lambda p: p.name.split(".")[0])
def test_summary_is_plain_and_names_the_medications(visit: Path) -> None:
    note = _note(visit)
    summary = summarize(note)
    assert summary.reading_grade <= 8, summary.text
    assert not SHORTHAND.search(summary.text), summary.text
    for medication in note["insights"]["medications"]:
        assert medication["name"].lower() in summary.text.lower()


def test_summary_adds_nothing_the_note_does_not_say() -> None:
    note = _note(FIXTURES / "dev-07-hypertension.truth.json")
    empty = {**note, "insights": {**note["insights"], "medications": [], "orders": [], "diagnoses": [],
                                  "follow_up": None}, "sections": [], "plan": ""}
    assert summarize(empty).text == "Your visit note does not list any findings, medicines or tests yet."


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_letters_name_their_recipient_and_restate_the_note(kind: str) -> None:
    note = _note(FIXTURES / "dev-04-back-pain.truth.json")
    ctx = LetterContext("Dr. Rivera", "Alex Doe", "Dr. Okafor", "2027-05-03")
    letter = compose_letter(kind, note, ctx)
    assert "Dr. Rivera" in letter.splitlines()[0] and "Dr. Okafor" in letter and "2027-05-03" in letter
    if kind != "work_note":
        assert "ibuprofen" in letter
    with pytest.raises(ValueError):
        compose_letter("limerick", note, ctx)
