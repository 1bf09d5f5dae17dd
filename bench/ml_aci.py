"""ACI-Bench note quality: ROUGE of drafted notes against the scribes' notes.

    .venv/bin/python -m bench.ml_aci            # valid (held out), table + bench/results/ml_aci.json
    .venv/bin/python -m bench.ml_aci --split train

The section model is trained and tuned on ``train`` only (tools/train_section_model.py);
``valid`` is never used for tuning, so its figures are the held-out result. Baselines are
scored by the same code in the same run: the first 12 doctor turns copied verbatim, the whole
transcript, and retrieval of the closest training note (TF-IDF cosine of the dialogues),
the paper's non-neural baselines. ROUGE is Google's ``rouge-score`` with stemming;
ROUGE-Lsum splits sentences on newlines.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from medisync.ml.notes import ExtractiveNoteGenerator  # noqa: E402
from medisync.ml.notes.evaluation import Counts  # noqa: E402
from medisync.ml.notes.evaluation import problem_grouping as grouping_agreement  # noqa: E402
from medisync.ml.notes.evaluation import symptom_agreement  # noqa: E402
from medisync.ml.notes.transcript_io import parse_dialogue_text  # noqa: E402

ACI = ROOT / "tests" / "fixtures" / "aci-bench"
RESULTS = ROOT / "bench" / "results" / "ml_aci.json"
METRICS = ("rouge1", "rouge2", "rougeLsum")


def load_split(split: str) -> list[dict[str, str]]:
    return json.loads((ACI / f"{split}.json").read_text(encoding="utf-8"))["data"]


def rouge(predictions: list[str], references: list[str]) -> dict[str, float]:
    """Mean ROUGE F1 x 100 (rouge-score, stemming on)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    totals = dict.fromkeys(METRICS, 0.0)
    for pred, ref in zip(predictions, references):
        for name, value in scorer.score(ref, pred).items():
            totals[name] += value.fmeasure
    return {name: round(100 * v / max(len(predictions), 1), 2) for name, v in totals.items()}


def turns_text(src: str, speaker: str | None = None, limit: int | None = None) -> str:
    lines = [line.split("]", 1)[-1].strip() for line in src.splitlines()
             if line.strip() and (speaker is None or line.lower().startswith(f"[{speaker}]"))]
    return "\n".join(lines[:limit])


def retrieval_baseline(train: list[dict[str, str]]) -> Callable[[dict[str, str]], str]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(sublinear_tf=True).fit([e["src"] for e in train])
    matrix = vec.transform([e["src"] for e in train])

    def closest(encounter: dict[str, str]) -> str:
        sims = (matrix @ vec.transform([encounter["src"]]).T).toarray().ravel()
        return train[int(sims.argmax())]["tgt"]
    return closest


@lru_cache(maxsize=512)
def drafted(src: str, template: str) -> dict[str, Any]:
    """The note drafted from one dialogue, once per (dialogue, template): the generator is a pure function of
    its text, and the ROUGE, problem-grouping and pasted-conversation measures read the same notes."""
    return ExtractiveNoteGenerator().generate(parse_dialogue_text(src), template=template)


def drafter(template: str) -> Callable[[dict[str, str]], str]:
    return lambda e: str(drafted(e["src"], template)["text"])


def systems(train: list[dict[str, str]]) -> dict[str, Callable[[dict[str, str]], str]]:
    return {
        "medisync extractive, hp template": drafter("hp"),
        "medisync extractive, soap template": drafter("soap"),
        "baseline: first 12 doctor turns": lambda e: turns_text(e["src"], "doctor", 12),
        "baseline: whole transcript": lambda e: turns_text(e["src"]),
        "baseline: retrieve closest train note": retrieval_baseline(train),
    }


_GOLD_CC = re.compile(r"CHIEF COMPLAINT\s*\n+(?P<cc>[^\n]+)")


def chief_complaints(split: str) -> dict[str, Any]:
    """The drafted chief complaint against the scribe's CHIEF COMPLAINT line (the visits that have one):
    mean ROUGE-1 F1 x 100, and the same for the patient's first statement of 4+ words as a baseline."""
    ours, naive, gold = [], [], []
    for encounter in load_split(split):
        m = _GOLD_CC.search(encounter["tgt"])
        if m is None:
            continue
        gold.append(m.group("cc"))
        ours.append(drafted(encounter["src"], "hp")["insights"].get("chief_complaint") or "")
        said = re.split(r"(?<=[.?!])\s+", turns_text(encounter["src"], "patient").replace("\n", " "))
        naive.append(next((x for x in said if len(x.split()) >= 4), ""))
    return {"visits": len(gold), "medisync": rouge(ours, gold)["rouge1"],
            "baseline: first patient statement": rouge(naive, gold)["rouge1"]}


def problem_grouping(split: str) -> dict[str, Any]:
    """Drug lines of the hp A&P grouped under a problem, against the scribe's problem blocks (D88's
    measure, ``evaluation.problem_grouping``)."""
    total = Counts()
    for encounter in load_split(split):
        note = drafted(encounter["src"], "hp")
        lines = [line for s in note["sections"] if s["key"] == "assessment_and_plan" for line in s["lines"]]
        total.add(grouping_agreement(lines, encounter["tgt"]))
    return {"grouped_right": total.tp, "grouped_wrong": total.fp, "left_ungrouped": total.fn,
            "precision": round(total.precision, 3)}


def symptoms(split: str) -> dict[str, Any]:
    """Present symptoms extracted vs the scribe's history and review of systems (D92's proxy)."""
    total = Counts()
    for encounter in load_split(split):
        extracted = drafted(encounter["src"], "hp")["insights"].get("symptoms") or []
        total.add(symptom_agreement(extracted, encounter["tgt"]))
    return {"tp": total.tp, "fp": total.fp, "fn": total.fn, "precision": round(total.precision, 3),
            "recall": round(total.recall, 3), "f1": round(total.f1, 3)}


def run(split: str) -> dict[str, Any]:
    data, train = load_split(split), load_split("train")
    rows = {}
    for name, system in systems(train).items():
        started = time.perf_counter()
        predictions = [system(e) for e in data]
        rows[name] = {**rouge(predictions, [e["tgt"] for e in data]),
                      "seconds_per_visit": round((time.perf_counter() - started) / len(data), 3)}
    return {"split": split, "encounters": len(data), "tuned_on": "train", "rows": rows,
            "chief_complaint_rouge1": chief_complaints(split),
            "problem_grouping": problem_grouping(split),
            "symptoms_vs_scribe": symptoms(split),
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="valid", choices=("train", "valid"))
    args = parser.parse_args(argv)
    result = run(args.split)
    print(f"ACI-Bench {args.split} ({result['encounters']} visits), ROUGE F1 x 100")
    for name, row in result["rows"].items():
        print(f"  {name:42s} R1 {row['rouge1']:5.1f}  R2 {row['rouge2']:5.1f}  RLsum {row['rougeLsum']:5.1f}")
    print(f"Chief complaint vs the scribe's, ROUGE-1: {result['chief_complaint_rouge1']}")
    print(f"Drug lines grouped under a problem vs the scribe's blocks: {result['problem_grouping']}")
    print(f"Present symptoms vs the scribe's history and review of systems: {result['symptoms_vs_scribe']}")
    if args.split == "valid":
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
