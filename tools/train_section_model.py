"""Train the note-section model on ACI-Bench *train* and write
``medisync/ml/notes/data/section_model.json``.

    .venv/bin/python -m tools.train_section_model [--folds 5]

Labels: each dialogue sentence is aligned to the scribe's note. It takes the
section (cc, hpi, ros, exam, results, ap) whose text covers at least ``tau`` of
its content words (Porter stems, stop words out), else ``none``. The model is
TF-IDF + multinomial logistic regression (scikit-learn, a dev dependency; the
product runs the weights in numpy). ``tau`` and the selection threshold are
chosen by k-fold cross-validation on *train* by the ROUGE-1 of the drafted
``hp`` note; ACI ``valid`` is never read here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ml_aci import load_split, rouge  # noqa: E402
from medisync.ml.notes import ExtractiveNoteGenerator  # noqa: E402
from medisync.ml.notes.draft import draft_sections, render  # noqa: E402
from medisync.ml.notes.section_model import NONE, SectionModel, sentence_features  # noqa: E402
from medisync.ml.notes.templates import get_template  # noqa: E402
from medisync.ml.notes.text import asks, build_turns  # noqa: E402
from medisync.ml.notes.transcript_io import parse_dialogue_text  # noqa: E402

OUT = ROOT / "medisync" / "ml" / "notes" / "data" / "section_model.json"
HEADINGS = {
    "cc": ("CHIEF COMPLAINT", "CC"),
    "hpi": ("HISTORY OF PRESENT ILLNESS", "HPI", "SOCIAL HISTORY", "MEDICAL HISTORY", "PAST HISTORY",
            "FAMILY HISTORY", "SURGICAL HISTORY", "MEDICATIONS", "CURRENT MEDICATIONS", "ALLERGIES",
            "PAST MEDICAL HISTORY", "PAST SURGICAL HISTORY"),
    "ros": ("REVIEW OF SYSTEMS",),
    "exam": ("PHYSICAL EXAM", "PHYSICAL EXAMINATION", "EXAM", "VITALS", "VITALS REVIEWED", "MSK"),
    "results": ("RESULTS",),
    "ap": ("ASSESSMENT AND PLAN", "ASSESSMENT", "PLAN", "IMPRESSION", "INSTRUCTIONS", "PROCEDURE"),
}
STOP = frozenset("the a an and or of to in on for with is are was were be been it this that i you he she "
                 "we they my your his her our me him them so um uh okay ok yeah yes no not do does did "
                 "have has had just like know well oh right alright all at as but if there what how".split())


def note_sections(note: str) -> dict[str, str]:
    by_heading = {h: key for key, hs in HEADINGS.items() for h in hs}
    out: dict[str, list[str]] = {}
    current = None
    for line in note.splitlines():
        head = line.strip().rstrip(":")
        if head.isupper() and head in by_heading:
            current = by_heading[head]
        elif current and line.strip():
            out.setdefault(current, []).append(line.strip())
    return {k: " ".join(v) for k, v in out.items()}


def content_stems(text: str) -> set[str]:
    from nltk.stem.porter import PorterStemmer

    stemmer = PorterStemmer()
    return {stemmer.stem(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP}


def encounter_rows(encounter: dict[str, str], tau: float) -> tuple[list[list[str]], list[str]]:
    turns = build_turns(parse_dialogue_text(encounter["src"]))
    sections = {k: content_stems(v) for k, v in note_sections(encounter["tgt"]).items()}
    feats, labels, prev = [], [], None
    for s in (s for t in turns for s in t.sentences):
        answers = prev is not None and asks(prev) and prev.role != s.role
        feats.append(sentence_features(s, s.turn / max(len(turns), 1), answers))
        words = content_stems(s.text)
        best = max(((len(words & v) / len(words), k) for k, v in sections.items()), default=(0.0, NONE)) \
            if len(words) >= 2 else (0.0, NONE)
        labels.append(best[1] if best[0] >= tau else NONE)
        prev = s
    return feats, labels


def fit(encounters: list[dict[str, str]], tau: float) -> SectionModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    feats, labels = [], []
    for e in encounters:
        f, y = encounter_rows(e, tau)
        feats += f
        labels += y
    vec = TfidfVectorizer(analyzer=lambda x: x, min_df=2, sublinear_tf=True)
    x = vec.fit_transform(feats)
    clf = LogisticRegression(max_iter=3000, C=4.0).fit(x, labels)
    return SectionModel(tuple(clf.classes_), {f: int(i) for f, i in vec.vocabulary_.items()},
                        vec.idf_.astype(np.float32), clf.coef_.astype(np.float32),
                        clf.intercept_.astype(np.float32), 0.8)


def cross_validate(train: list[dict[str, str]], taus: list[float], thresholds: list[float],
                   folds: int) -> dict[tuple[float, float], float]:
    generator, template = ExtractiveNoteGenerator(), get_template("hp")
    prepared = [(e, build_turns(parse_dialogue_text(e["src"]))) for e in train]
    insights = [generator.extract(parse_dialogue_text(e["src"])) for e, _ in prepared]
    scores: dict[tuple[float, float], list[float]] = {}
    for tau in taus:
        for k in range(folds):
            held = [i for i in range(len(train)) if i % folds == k]
            model = fit([train[i] for i in range(len(train)) if i % folds != k], tau)
            for th in thresholds:
                m = dataclasses.replace(model, threshold=th)
                notes = [render(draft_sections(prepared[i][1], insights[i], template, model=m)) for i in held]
                r1 = rouge(notes, [train[i]["tgt"] for i in held])["rouge1"]
                scores.setdefault((tau, th), []).extend([r1] * len(held))
    return {key: float(np.mean(v)) for key, v in scores.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    train = load_split("train")
    cv = cross_validate(train, [0.4, 0.5], [0.6, 0.7, 0.75, 0.8, 0.85, 0.9], args.folds)
    for (tau, th), r1 in sorted(cv.items()):
        print(f"tau {tau:.2f} threshold {th:.2f}: CV ROUGE-1 {r1:.2f}")
    (tau, th), best = max(cv.items(), key=lambda kv: kv[1])
    model = dataclasses.replace(fit(train, tau), threshold=th)
    payload: dict[str, Any] = {"trained_on": "ACI-Bench train (67 encounters), CC BY 4.0",
                               "tau": tau, "cv_rouge1": round(best, 2), **model.to_json()}
    OUT.write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"chose tau {tau} threshold {th} (CV ROUGE-1 {best:.2f}); wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
