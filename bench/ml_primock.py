"""PriMock57: the note generator on 45 real primary-care consultations it was never tuned on.

    .venv/bin/python -m bench.ml_primock      # table + bench/results/ml_primock.json

Real GPs consulting actors (British primary care, hand transcribed, disfluent speech), each with
the GP's own note (PriMock57, Korfiatis et al., ACL 2022, CC BY 4.0; packed into
``tests/fixtures/primock57/consultations.json`` by ``tools/pack_primock_notes.py``). Nothing in
the generator was tuned on them, so every figure here is held out:

- **safety**: drugs written that no one said, negated diagnoses coded, codes for unstated conditions
  (the same checks as ``bench/ml_notes.py``), and ``needs_review`` items;
- **medication names vs the GP's note**: the drugs our medication list names against the drugs the
  GP's note names (both found with the same drug lexicon);
- **note ROUGE** against the GP's note (terse shorthand: "3/7 hx of diarrhea", so every system
  scores low), with the same baselines as ACI-Bench scored in the same run;
- **chief complaint** against the patient's presenting complaint as the GP recorded it (ROUGE-1).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ml_aci import drafter, load_split, retrieval_baseline, rouge, turns_text  # noqa: E402
from bench.ml_notes import aci_transcript, evaluate  # noqa: E402
from medisync.ml.notes import ExtractiveNoteGenerator  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "primock57" / "consultations.json"
RESULTS = ROOT / "bench" / "results" / "ml_primock.json"


def load() -> list[dict[str, Any]]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["data"]


def note_rouge(data: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    systems = {
        "medisync extractive, hp template": drafter("hp"),
        "medisync extractive, soap template": drafter("soap"),
        "baseline: first 12 doctor turns": lambda e: turns_text(e["src"], "doctor", 12),
        "baseline: whole transcript": lambda e: turns_text(e["src"]),
        "baseline: retrieve closest ACI-Bench train note": retrieval_baseline(load_split("train")),
    }
    rows = {}
    for name, system in systems.items():
        started = time.perf_counter()
        predictions = [system(e) for e in data]
        rows[name] = {**rouge(predictions, [e["tgt"] for e in data]),
                      "seconds_per_visit": round((time.perf_counter() - started) / len(data), 3)}
    return rows


def chief_complaint(data: list[dict[str, Any]]) -> dict[str, Any]:
    generator = ExtractiveNoteGenerator()
    ours = [generator.extract(aci_transcript(e["src"])).get("chief_complaint") or "" for e in data]
    return {"visits": len(data), "medisync": rouge(ours, [e["presenting_complaint"] for e in data])["rouge1"],
            "stated": sum(1 for x in ours if x)}


def run() -> dict[str, Any]:
    data = load()
    docs = [(f"primock-{e['file']}", aci_transcript(e["src"]), None) for e in data]
    facts = evaluate(docs, {vid: doc for vid, doc, _ in docs}, {f"primock-{e['file']}": e["tgt"] for e in data})
    facts.pop("per_visit", None)
    return {"consultations": len(data), "tuned_on": "nothing; its medication errors informed D72 (2026-12-04)", "facts": facts,
            "rows": note_rouge(data), "chief_complaint_rouge1": chief_complaint(data),
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def main() -> None:
    result = run()
    print(f"PriMock57 ({result['consultations']} consultations), ROUGE F1 x 100 vs the GP's note")
    for name, row in result["rows"].items():
        print(f"  {name:48s} R1 {row['rouge1']:5.1f}  R2 {row['rouge2']:5.1f}  RLsum {row['rougeLsum']:5.1f}")
    print(f"Chief complaint vs the presenting complaint, ROUGE-1: {result['chief_complaint_rouge1']}")
    print(f"Safety and medications: {json.dumps(result['facts'])}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
