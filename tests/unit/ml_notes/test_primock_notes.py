"""PriMock57: 45 real primary-care consultations (British English, hand transcribed, disfluent) with
the GP's own note (CC BY 4.0, tests/fixtures/primock57/). The generator was not built on them; since
2026-12-04 their medication errors informed D72 (docs/ml-notes.md says which figures are which).
Every consultation: no unsaid drug, no negated or unstated code; the drafted notes beat the
first-12-doctor-turns baseline against the GP's note."""

from __future__ import annotations

import pytest

from bench.ml_aci import rouge, turns_text
from bench.ml_notes import aci_transcript
from bench.ml_primock import load
from medisync.ml.notes import ExtractiveNoteGenerator
from medisync.ml.notes.evaluation import SAFETY_COUNTERS, safety

pytest.importorskip("rouge_score", reason="rouge-score is a dev dependency (setup.py extras 'dev')")


def test_every_consultation_is_safe_and_the_notes_beat_the_transcript_baseline() -> None:
    generator = ExtractiveNoteGenerator()
    data = load()
    assert len(data) == 45
    notes, errors = [], {}
    for encounter in data:
        transcript = aci_transcript(encounter["src"])
        note = generator.generate(transcript, template="hp")
        notes.append(note["text"])
        found = safety(transcript, note["insights"])
        errors.update({encounter["file"]: found[k] for k in SAFETY_COUNTERS if found[k]})
    assert errors == {}
    refs = [e["tgt"] for e in data]
    ours, first12 = rouge(notes, refs), rouge([turns_text(e["src"], "doctor", 12) for e in data], refs)
    assert ours["rouge1"] > first12["rouge1"], (ours, first12)  # 20.1 vs 18.9 measured
