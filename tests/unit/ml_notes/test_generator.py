"""The ExtractiveNoteGenerator contract, empty input, and fact F1 on the fixtures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from medisync.ml.notes import ExtractiveNoteGenerator
from medisync.ml.notes.evaluation import CATEGORIES, Counts, score, total, truth_to_transcript

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
ASR = Path(__file__).parent / "data" / "asr"
DEV = sorted(FIXTURES.glob("dev-*.truth.json"))
EXTRA = sorted((FIXTURES / "extra").glob("*.truth.json"))
BLIND = sorted((FIXTURES / "heldout").glob("blind-*.truth.json"))
VITALS = {"bp_systolic", "bp_diastolic", "heart_rate", "temperature_c", "spo2", "respiratory_rate", "weight_kg"}


def _check_schema(note: dict) -> None:
    assert set(note) >= {"subjective", "objective", "assessment", "plan", "insights", "provenance"}
    for k in ("subjective", "objective", "assessment", "plan"):
        assert isinstance(note[k], str) and note[k]
    assert note["provenance"]["generator"] == "extractive"
    assert {"generator_version", "model"} <= set(note["provenance"])
    ins = note["insights"]
    assert ins["chief_complaint"] is None or isinstance(ins["chief_complaint"], str)
    assert set(ins["vitals"]) == VITALS
    assert all(v is None or isinstance(v, (int, float)) for v in ins["vitals"].values())
    for s in ins["symptoms"]:
        assert isinstance(s["name"], str) and isinstance(s["present"], bool)
        assert s["duration"] is None or isinstance(s["duration"], str)
    for m in ins["medications"]:
        assert {"name", "dose", "frequency", "status"} <= set(m)
        assert m["status"] in ("new", "active", "stopped", "changed")
    for a in ins["allergies"]:
        assert {"substance", "reaction"} <= set(a)
    for d in ins["diagnoses"]:
        assert {"name", "icd10"} <= set(d)
    for o in ins["orders"]:
        assert o["kind"] in ("lab", "imaging", "referral", "procedure") and o["name"]
    assert ins["follow_up"] is None or isinstance(ins["follow_up"], str)


def test_name_and_protocol() -> None:
    gen = ExtractiveNoteGenerator()
    assert gen.name == "extractive"
    assert callable(gen.generate)


@pytest.mark.parametrize(
    "transcript",
    [{}, {"segments": [], "text": ""}, {"segments": [{"start": 0, "end": 1, "speaker": "S0", "role": "other", "text": "  ", "words": []}], "text": ""},
     {"segments": [{"start": 0, "end": 1, "speaker": "S0", "role": "patient", "text": "Hello. Thank you.", "words": []}], "text": "Hello. Thank you."}],
)
def test_empty_or_contentless_transcript(transcript: dict) -> None:
    note = ExtractiveNoteGenerator().generate(transcript)
    _check_schema(note)
    for k in ("subjective", "objective", "assessment", "plan"):
        assert "not enough content" in note[k].lower()
    ins = note["insights"]
    assert ins["symptoms"] == ins["medications"] == ins["allergies"] == ins["diagnoses"] == ins["orders"] == []
    assert ins["chief_complaint"] is None and ins["follow_up"] is None
    assert all(v is None for v in ins["vitals"].values())


def test_text_only_transcript_without_segments() -> None:
    note = ExtractiveNoteGenerator().generate({"text": "Your blood pressure is 150 over 90. My assessment is hypertension."})
    _check_schema(note)
    assert note["insights"]["vitals"]["bp_systolic"] == 150
    assert note["insights"]["diagnoses"][0]["icd10"] == "I10"


def _f1(paths: list[Path]) -> tuple[float, dict[str, Counts]]:
    gen = ExtractiveNoteGenerator()
    agg = {c: Counts() for c in CATEGORIES}
    for p in paths:
        truth = json.loads(p.read_text())
        note = gen.generate(truth_to_transcript(truth))
        _check_schema(note)
        for c, counts in score(truth["expected"], note["insights"]).items():
            agg[c].add(counts)
    return total(agg).f1, agg


def test_fact_f1_on_dev_ground_truth_text() -> None:
    f1, agg = _f1(DEV)
    assert f1 >= 0.85, {c: a.as_dict() for c, a in agg.items()}


def test_fact_f1_on_extra_synthetic_visits() -> None:
    f1, agg = _f1(EXTRA)
    assert f1 >= 0.85, {c: a.as_dict() for c, a in agg.items()}


def test_fact_f1_on_recorded_asr_output() -> None:
    """Recorded faster-whisper tiny.en output: a regression floor, not the 0.85 target."""
    gen = ExtractiveNoteGenerator()
    agg = Counts()
    for p in DEV + EXTRA:
        asr = ASR / p.name.replace(".truth.json", ".asr.json")
        truth = json.loads(p.read_text())
        note = gen.generate(json.loads(asr.read_text()))
        _check_schema(note)
        agg.add(total(score(truth["expected"], note["insights"])))
    assert agg.f1 >= 0.75, agg.as_dict()


@pytest.mark.parametrize("path", BLIND, ids=lambda p: p.name.split(".")[0])
def test_blind_visits_give_a_well_formed_note(path: Path) -> None:
    """D94: the blind visits (report only) are held to the schema on their text and their recorded
    transcript; their fact F1 is reported by bench/ml_notes.py, with no floor here."""
    gen = ExtractiveNoteGenerator()
    _check_schema(gen.generate(truth_to_transcript(json.loads(path.read_text()))))
    _check_schema(gen.generate(json.loads(path.with_name(path.name.replace(".truth.json", ".asr.json")).read_text())))


def test_soap_text_mentions_the_facts() -> None:
    truth = json.loads((FIXTURES / "dev-07-hypertension.truth.json").read_text())
    note = ExtractiveNoteGenerator().generate(truth_to_transcript(truth))
    assert "148/94" in note["objective"]
    assert "I10" in note["assessment"]
    assert "lisinopril" in note["plan"] and "4 weeks" in note["plan"]
    assert "penicillin" in note["subjective"]


def test_import_has_no_side_effects() -> None:
    code = (
        "import sys, medisync.ml.notes as n\n"
        "from medisync.ml.notes import lexicon\n"
        "assert 'rapidfuzz' not in sys.modules and 'jellyfish' not in sys.modules\n"
        "assert lexicon.drug_lexicon.cache_info().currsize == 0\n"
        "assert 'medisync.interface' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-W", "error", "-c", code], check=True, cwd=ROOT)
