"""Safety counters are zero on every fixture; fact-F1 floors (issue 12, D36-D38).

Safety counters (``evaluation.safety``), checked against what was really said:
unsaid medications written, negated (or ruled-out, hypothetical, family) diagnoses coded, and codes for
conditions no clinician sentence names.  Fixtures: the synthetic dev and extra visits (ground-truth
text and recorded tiny.en ASR), the held-out synthetic visits when present (reported, never tuned on),
and every ACI-Bench train and valid dialogue (Yim et al., Scientific Data 2023, CC BY 4.0; copied in
tests/fixtures/aci-bench/).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from medisync.ml.notes.assessment import extract_diagnoses
from medisync.ml.notes.evaluation import (
    Counts, _drug_key, said_facts, safety, score, scribe_plan_conditions, total, truth_to_transcript,
)
from medisync.ml.notes.medications import extract_allergies, extract_medications
from medisync.ml.notes.review import extract_needs_review
from medisync.ml.notes.text import build_turns

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ASR = Path(__file__).resolve().parent / "data" / "asr"
SYNTHETIC = sorted(FIXTURES.glob("dev-*.truth.json")) + sorted((FIXTURES / "extra").glob("*.truth.json"))
HELDOUT = sorted((FIXTURES / "heldout").glob("*.truth.json")) if (FIXTURES / "heldout").exists() else []


@lru_cache(maxsize=2)
def _aci_facts(split: str) -> list[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    """Each ACI dialogue with its extracted facts (computed once per split: about 30 s for train)."""
    return [(vid, doc, tgt, _facts(doc)) for vid, doc, tgt in _aci(split)]


def _aci(split: str) -> list[tuple[str, dict[str, Any], str]]:
    out = []
    for x in json.loads((FIXTURES / "aci-bench" / f"{split}.json").read_text())["data"]:
        segs = []
        for line in x["src"].splitlines():
            m = re.match(r"\s*\[([\w ]+)\]\s*(.*)", line)
            if m and m.group(2).strip():
                tag = m.group(1).strip().lower()
                role = "clinician" if tag == "doctor" else "patient" if tag == "patient" else "other"
                segs.append({"speaker": tag, "role": role, "text": m.group(2), "words": []})
        out.append((x["file"], {"segments": segs}, x["tgt"]))
    return out


def _facts(transcript: dict[str, Any]) -> dict[str, Any]:
    """The fact extractors alone (the safety rules live there), without composing a note."""
    turns = build_turns(transcript)
    allergies, excluded, _denied = extract_allergies(turns)
    return {"medications": extract_medications(turns, excluded), "allergies": allergies,
            "diagnoses": extract_diagnoses(turns)[0], "needs_review": extract_needs_review(turns, excluded)}


def _no_errors(truth_doc: dict[str, Any], facts: dict[str, Any]) -> dict[str, list[str]]:
    return {k: v for k, v in safety(truth_doc, facts).items() if v}


def _asr_for(path: Path) -> Path | None:
    vid = path.name.replace(".truth.json", "")
    for cand in (ASR / f"{vid}.asr.json", path.parent / f"{vid}.asr.json"):
        if cand.exists():
            return cand
    return None


@pytest.mark.parametrize("path", SYNTHETIC + HELDOUT, ids=lambda p: p.name.split(".")[0])
def test_safety_counters_are_zero_on_synthetic_visits(path: Path) -> None:
    truth = json.loads(path.read_text())
    truth_doc = truth_to_transcript(truth)
    assert _no_errors(truth_doc, _facts(truth_doc)) == {}
    asr = _asr_for(path)
    if asr is not None:
        assert _no_errors(truth_doc, _facts(json.loads(asr.read_text()))) == {}


@pytest.mark.parametrize("folder", ["tune2", "tune3", "tune4", "tune5", "tune6", "tune7", "tune8", "blind2", "blind3", "blind4", "blind5", "blind6"])
def test_safety_counters_are_zero_on_the_text_only_sets(folder: str) -> None:
    """The text-only visits written by helpers (D199, D200, D223, D225, D233, D246, D271, D309). The blind sets are read by no one: on a
    failure only the counts are shown, never a visit or its facts."""
    visits = sorted((FIXTURES / folder).glob("*.truth.json"))
    assert len(visits) >= 8
    counts: dict[str, int] = {}
    for path in visits:
        truth_doc = truth_to_transcript(json.loads(path.read_text()))
        for kind, found in _no_errors(truth_doc, _facts(truth_doc)).items():
            counts[kind] = counts.get(kind, 0) + len(found)
    assert counts == {}, f"{folder}: safety errors by kind (counts only) {counts}"


@pytest.mark.parametrize("split", ["train", "valid"])
def test_safety_counters_are_zero_on_aci_bench(split: str) -> None:
    errors = {}
    for vid, doc, _tgt, facts in _aci_facts(split):
        found = _no_errors(doc, facts)
        if found:
            errors[vid] = found
    assert errors == {}


@pytest.mark.parametrize("split", ["train", "valid"])
def test_medication_names_agree_with_the_scribe_note(split: str) -> None:
    """Floor: medication names written vs. named in the ACI scribe's note (F1 0.92 on train and on
    valid; precision 0.89 on train: most "extra" names are drugs the patient names that the scribe left out)."""
    c = Counts()
    for _vid, _doc, tgt, facts in _aci_facts(split):
        said = said_facts({"segments": [{"role": "clinician", "speaker": "S", "text": tgt}]})[0]
        written = {_drug_key(m["name"]) for m in facts["medications"]}
        c.tp += len(written & said)
        c.fp += len(written - said)
        c.fn += len(said - written)
    assert c.f1 >= 0.88 and c.precision >= 0.85, c.as_dict()


@pytest.mark.parametrize("path", SYNTHETIC, ids=lambda p: p.name.split(".")[0])
def test_clearly_spoken_visits_need_no_review(path: Path) -> None:
    """On the ground-truth text every drug and diagnosis is clearly named: nothing to review."""
    assert _facts(truth_to_transcript(json.loads(path.read_text())))["needs_review"] == []


def test_fact_f1_floor_on_ground_truth_text_of_tuning_visits() -> None:
    from medisync.ml.notes import ExtractiveNoteGenerator

    agg = Counts()
    for path in SYNTHETIC:
        truth = json.loads(path.read_text())
        agg.add(total(score(truth["expected"], ExtractiveNoteGenerator().extract(truth_to_transcript(truth)))))
    assert agg.f1 >= 0.97, agg.as_dict()


def test_fact_f1_floor_on_recorded_asr() -> None:
    """Recorded tiny.en output of the 8 tuning visits: 0.77 measured after D36/D37 (weak names are
    review items now, not facts); a floor against regressions."""
    from medisync.ml.notes import ExtractiveNoteGenerator

    agg = Counts()
    for path in SYNTHETIC:
        truth = json.loads(path.read_text())
        asr = _asr_for(path)
        assert asr is not None
        agg.add(total(score(truth["expected"], ExtractiveNoteGenerator().extract(json.loads(asr.read_text())))))
    assert agg.f1 >= 0.74, agg.as_dict()


def test_weak_matches_on_recorded_asr_are_offered_for_review() -> None:
    """The misheard drug names of the recorded ASR are not lost: they are review items."""
    heard = []
    for path in SYNTHETIC:
        asr = _asr_for(path)
        assert asr is not None
        heard += [c["name"] for r in _facts(json.loads(asr.read_text()))["needs_review"] for c in r["candidates"][:1]]
    assert {"lisinopril", "nitrofurantoin", "meloxicam"} <= set(heard), heard


@pytest.mark.parametrize("split", ["train", "valid"])
def test_diagnoses_agree_with_the_scribes_assessment_and_plan(split: str) -> None:
    """Floor: ICD-10-CM categories coded vs the conditions in the scribe's plan sections
    (D80: F1 0.60 on train, 0.55 on valid; 0.46 and 0.39 before problem-oriented plans were read)."""
    c = Counts()
    for _vid, _doc, tgt, facts in _aci_facts(split):
        coded = {d["icd10"][:3] for d in facts["diagnoses"]}
        planned = scribe_plan_conditions(tgt) or set()
        c.tp += len(coded & planned)
        c.fp += len(coded - planned)
        c.fn += len(planned - coded)
    assert c.f1 >= 0.5 and c.precision >= 0.75, c.as_dict()
