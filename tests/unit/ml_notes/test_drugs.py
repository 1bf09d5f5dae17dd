"""ASR-tolerant drug-name matching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medisync.ml.notes.drugs import THRESHOLDS, find_drugs, similarity
from medisync.ml.notes.text import build_turns

from ._dialogue import insights

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real"


def _drugs(text: str, role: str = "patient") -> list[tuple[str, str]]:
    turns = build_turns({"segments": [{"speaker": "A", "role": role, "text": text}]})
    return [(m.drug.name, m.method) for s in turns[0].sentences for m in find_drugs(s)]


@pytest.mark.parametrize(
    ("text", "drug"),
    [
        ("I take listen up for ten milligrams every morning.", "lisinopril"),
        ("Are you still taking meth form five hundred milligrams twice a day?", "metformin"),
        ("We will start search relying fifty milligrams once daily.", "sertraline"),
        ("I will prescribe nitrofure and toint one hundred milligrams twice a day.", "nitrofurantoin"),
        ("Use the albugural two puffs every four hours as needed.", "albuterol"),
        ("I also take Lipitor 20 mg at night.", "atorvastatin"),
        ("Just Tylenol, five hundred milligrams.", "acetaminophen"),
    ],
)
def test_asr_confusions_are_recovered(text: str, drug: str) -> None:
    assert drug in [d for d, _ in _drugs(text)]


def test_listen_up_for_ten_milligrams_is_lisinopril_10_mg() -> None:
    ins = insights(("P", "I take listen up for ten milligrams every day."))
    assert ins["medications"][0]["name"] == "lisinopril"
    assert ins["medications"][0]["dose"] == "10 mg"
    assert ins["medications"][0]["frequency"] == "once daily"
    assert 0 < ins["medications"][0]["match_confidence"] < 1


@pytest.mark.parametrize(
    "text",
    [
        "Your strength and reflexes are normal.",
        "I helped my brother move a heavy couch, and it has been stiff and sore ever since.",
        "Please cut back on salt and keep a log of your home readings.",
        "Keep walking and avoid heavy lifting.",
        "I am ordering a basic metabolic panel to check your kidney function and potassium.",
        "Good morning, Mister Alvarez. I am Doctor Chen.",
        "Should I keep taking my mind in?",
        "That is higher than I hoped. What should we do?",
    ],
)
def test_no_false_positives_on_ordinary_speech(text: str) -> None:
    assert _drugs(text, "clinician") == [] and _drugs(text, "patient") == []


def test_no_drugs_in_real_non_clinical_speech() -> None:
    for path in sorted(REAL.glob("*.json")):
        doc = json.loads(path.read_text())
        segs = [{"speaker": t["speaker"], "role": "other", "text": t["text"]} for t in doc["turns"]]
        turns = build_turns({"segments": segs})
        hits = [(s.text, m.drug.name) for t in turns for s in t.sentences for m in find_drugs(s)]
        assert hits == [], hits


def test_thresholds_are_ordered_and_similarity_is_symmetric() -> None:
    assert THRESHOLDS["dose"] < THRESHOLDS["verb"] < THRESHOLDS["none"]
    assert similarity("meth form", "metformin") == pytest.approx(similarity("metformin", "meth form"))
    assert similarity("metformin", "metformin") == pytest.approx(1.0)


def test_implausible_dose_rejects_fuzzy_match() -> None:
    # "certain" looks like cefuroxime, but cefuroxime is never 20 mg
    assert _drugs("I also take a certain 20 milligrams at bedtime.") == []
