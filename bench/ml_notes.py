"""Fact-F1 benchmark of the extractive SOAP-note generator.

    .venv/bin/python bench/ml_notes.py              # table + bench/results/ml_notes.json
    .venv/bin/python bench/ml_notes.py --asr        # also run SpeechTranscriber on the dev wavs
    .venv/bin/python bench/ml_notes.py --calibrate  # drug-matcher false-positive calibration

Inputs (all under tests/):
  fixtures/dev-*.truth.json          the 3 DEV dialogues (turns + expected facts)            tuned on
  fixtures/extra/*.truth.json        5 extra synthetic visits written for this component       tuned on
  fixtures/heldout/tune-*.truth.json 7 recorded visits marked "tune" (tune-03..07: a helper)     tuned on
  fixtures/heldout/heldout-*         4 recorded visits marked "heldout"                  reported only
  fixtures/heldout/blind-*           5 recorded visits marked "blind" (D94), written by a helper
  fixtures/blind2/*                  8 text-only visits written by another helper (D200), reported only
  fixtures/blind3/*                  12 text-only visits written by a third helper (D223), reported only
  fixtures/blind4/*                  12 text-only visits on topics no tune set has (D271), reported only
  fixtures/blind5/*                  12 text-only visits on topics no other set has (D309), reported only
  fixtures/blind6/*                  12 text-only visits on topics no other set has (D336), reported only
  fixtures/tune2/*                   8 text-only visits written by a helper who had not read the
                                     extractors (D199); first measured before any rule from them, then tuned on
  fixtures/tune3/*                   12 text-only visits written the same way (D225); first measured before
                                     any rule from them, then tuned on
  fixtures/tune4/*                   12 text-only visits written the same way (D233); first measured before
                                     any rule from them, then tuned on
  fixtures/tune5/*                   12 text-only visits written the same way (D246); first measured before
                                     any rule from them, then tuned on
  fixtures/tune6/*                   12 text-only visits written the same way (D271); first measured before
                                     any rule from them, then tuned on
  fixtures/tune7/*                   12 text-only visits written the same way (D309); first measured before
                                     any rule from them, then tuned on
  fixtures/tune8/*                   12 text-only visits written the same way (D336); first measured before
                                     any rule from them, then tuned on
  fixtures/aci-bench/{train,valid}   ACI-Bench dialogues + scribe notes (Yim et al. 2023, CC BY 4.0):
                                     train tuned on, valid reported only; no fact labels, so only the
                                     safety counters, needs_review counts and medication names vs. the
                                     scribe's note
  unit/ml_notes/data/asr/*.asr.json  recorded faster-whisper tiny.en output for all 6
                                     (roles assigned from the truth turns by overlap)

Conditions:
  truth        ground-truth turn text, roles from the truth
  asr-recorded the recorded ASR transcripts above
  asr-live     (--asr) medisync.ml.transcription.SpeechTranscriber on the dev wavs,
               when that module is importable (roles from its diarization)
  degraded:*   truth text with simulated ASR damage (see DEGRADATIONS)

The matching rules per category are documented in medisync/ml/notes/evaluation.py.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from medisync.ml.notes import ExtractiveNoteGenerator  # noqa: E402
from medisync.ml.notes.evaluation import (  # noqa: E402
    CATEGORIES, SAFETY_COUNTERS, Counts, _drug_key, said_facts, safety, score, scribe_plan_conditions, total,
    truth_to_transcript,
)
from medisync.ml.notes.medications import extract_allergies  # noqa: E402
from medisync.ml.notes.review import extract_needs_review  # noqa: E402
from medisync.ml.notes.text import build_turns  # noqa: E402
from medisync.ml.notes.numbers import replace_number_words  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
ASR_DIR = ROOT / "tests" / "unit" / "ml_notes" / "data" / "asr"
HELDOUT = FIXTURES / "heldout"
TUNE2 = FIXTURES / "tune2"
TUNE3 = FIXTURES / "tune3"
TUNE4 = FIXTURES / "tune4"
TUNE5 = FIXTURES / "tune5"
TUNE6 = FIXTURES / "tune6"
TUNE7 = FIXTURES / "tune7"
TUNE8 = FIXTURES / "tune8"
BLIND2 = FIXTURES / "blind2"
BLIND3 = FIXTURES / "blind3"
BLIND4 = FIXTURES / "blind4"
BLIND5 = FIXTURES / "blind5"
BLIND6 = FIXTURES / "blind6"
ACI_DIR = FIXTURES / "aci-bench"
RESULTS = ROOT / "bench" / "results" / "ml_notes.json"

# Documented faster-whisper tiny.en confusions (fixtures README + recorded output).
ASR_CONFUSIONS = {
    r"\blisinopril\b": "listen up for", r"\bmetformin\b": "meth form", r"\bsertraline\b": "search relying",
    r"\bnitrofurantoin\b": "nitrofure and toint", r"\balbuterol\b": "albugural", r"\batorvastatin\b": "a torva statin",
    r"\bnumbness\b": "hummus", r"\bhives\b": "highs", r"\blower back\b": "lower mac", r"\bibuprofen\b": "ibuprophen",
    r"\bomeprazole\b": "omeprazol", r"\bmilligrams\b": "million grams",
    r"\bFlovent\b": "flow vent", r"\bDoctor\b": "Dr.", r"\bMister\b": "Mr.",
}


#: the blind visits by the set they were written in: D94's five, and D126's six written after D125
BLIND_BATCHES = {"d94": {f"blind-0{n}" for n in range(1, 6)}, "d126": {f"blind-{n:02d}" for n in range(6, 12)}}


def load_heldout(split: str = "heldout") -> list[tuple[str, dict[str, Any]]]:
    """The recorded visits of tests/fixtures/heldout/ of one split: ``tune`` (may be tuned on),
    ``heldout`` or ``blind`` (reported only, never tuned on); the split is each file name's prefix."""
    return load_truth_files(HELDOUT, f"{split}-*.truth.json")


def load_truth_files(folder: Path, pattern: str = "*.truth.json") -> list[tuple[str, dict[str, Any]]]:
    """(visit id, truth document) of each ``pattern`` file in ``folder`` (tune2/, blind2/ hold text-only visits)."""
    files = sorted(folder.glob(pattern)) if folder.exists() else []
    return [(f.name.replace(".truth.json", ""), json.loads(f.read_text())) for f in files]


def blind_conditions() -> tuple[dict[str, list[tuple[str, dict[str, Any], dict[str, Any]]]], dict[str, Any]]:
    """``truth:blind`` and ``asr-recorded:blind`` (D94): the blind visits' text and their recorded
    default-pipeline transcripts, reported only; with the visits' truth transcripts."""
    blind = load_heldout("blind")
    docs = {vid: truth_to_transcript(t) for vid, t in blind}
    asr = {vid: HELDOUT / f"{vid}.asr.json" for vid, _ in blind}
    out = {
        "truth:blind": [(vid, docs[vid], t["expected"]) for vid, t in blind],
        "asr-recorded:blind": [(vid, json.loads(asr[vid].read_text()), t["expected"])
                               for vid, t in blind if asr[vid].exists()],
    }
    for name, docs_ in list(out.items()):  # each set of blind visits on its own too (D94, D126)
        for batch, ids in BLIND_BATCHES.items():
            out[f"{name}-{batch}"] = [d for d in docs_ if d[0][:len("blind-01")] in ids]
    for name, folder in (("truth:blind2", BLIND2), ("truth:blind3", BLIND3),
                         ("truth:blind4", BLIND4), ("truth:blind5", BLIND5),
                         ("truth:blind6", BLIND6)):  # text only (D200, D223, D271, D309, D336)
        visits = load_truth_files(folder)
        docs.update({vid: truth_to_transcript(t) for vid, t in visits})
        out[name] = [(vid, docs[vid], t["expected"]) for vid, t in visits]
    return out, docs


def aggregates_only(name: str, result: dict[str, Any]) -> dict[str, Any]:
    """A blind condition's result without its visits (D223): no one reads a blind visit's misses, so the
    results file and ``--verbose`` carry only the aggregates."""
    return {**result, "per_visit": {}} if "blind" in name else result


def load_truths() -> list[tuple[str, dict[str, Any]]]:
    files = sorted(FIXTURES.glob("dev-*.truth.json")) + sorted((FIXTURES / "extra").glob("*.truth.json"))
    return [(f.name.replace(".truth.json", ""), json.loads(f.read_text())) for f in files]


# --------------------------------------------------------------------------- degradations
def _digits(text: str) -> str:
    """Spoken numbers -> digits the way Whisper writes them ("148/94", "10 mg", "38.5")."""
    toks = re.findall(r"[A-Za-z']+|\d+(?:\.\d+)?|[^\sA-Za-z\d]", text)
    low = [t.lower() for t in toks]
    rep = replace_number_words(low)
    out: list[str] = []
    # replace_number_words collapses runs; rebuild by re-tokenising the lowered text
    for tok in rep:
        out.append(tok)
    s = " ".join(out)
    s = re.sub(r"(\d+) over (\d+)", r"\1/\2", s)
    s = re.sub(r"(\d+) percent", r"\1%", s)
    s = re.sub(r"\s+([,.?!])", r"\1", s)
    return s[:1].upper() + s[1:]


def _confusions(text: str) -> str:
    for pat, rep in ASR_CONFUSIONS.items():
        text = re.sub(pat, rep, text, flags=re.I)
    return text


def _no_punct(text: str) -> str:
    return re.sub(r"\?", ".", text)


def _split_segments(doc: dict[str, Any]) -> dict[str, Any]:
    segs = []
    for s in doc["segments"]:
        parts = re.split(r"(?<=[.?!,])\s+", s["text"])
        chunk: list[str] = []
        for p in parts:
            chunk.append(p)
            if len(" ".join(chunk)) > 40:
                segs.append({**s, "text": " ".join(chunk)})
                chunk = []
        if chunk:
            segs.append({**s, "text": " ".join(chunk)})
    return {**doc, "segments": segs}


def _no_roles(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "segments": [{**s, "role": "unknown"} for s in doc["segments"]]}


def _text_variant(fn: Callable[[str], str]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def apply(doc: dict[str, Any]) -> dict[str, Any]:
        return {**doc, "segments": [{**s, "text": fn(s["text"])} for s in doc["segments"]]}
    return apply


def _all(doc: dict[str, Any]) -> dict[str, Any]:
    doc = _text_variant(lambda t: _no_punct(_digits(_confusions(t))))(doc)
    return _split_segments(doc)


DEGRADATIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "asr-confusions": _text_variant(_confusions),
    "digits": _text_variant(_digits),
    "no-question-marks": _text_variant(_no_punct),
    "split-segments": _split_segments,
    "no-roles": _no_roles,
    "all-text-damage": _all,
}


# --------------------------------------------------------------------------- evaluation
def _needs_review(transcript: dict[str, Any], insights: dict[str, Any]) -> list[dict[str, Any]]:
    if "needs_review" in insights:
        return list(insights["needs_review"])
    turns = build_turns(transcript)
    _allergies, excluded, _denied = extract_allergies(turns)
    return extract_needs_review(turns, excluded)


def evaluate(docs: list[tuple[str, dict[str, Any], dict[str, Any] | None]],
             truth_docs: dict[str, dict[str, Any]], scribe_notes: dict[str, str] | None = None) -> dict[str, Any]:
    """Fact F1 (where ``expected`` is known), safety counters and needs_review counts.

    ``truth_docs``: the transcript of what was really said, per visit (for the safety counters).
    ``scribe_notes``: ACI-Bench reference notes; medication names written vs. named in the note.
    """
    gen = ExtractiveNoteGenerator()
    agg = {c: Counts() for c in CATEGORIES}
    med_names, dx_names = Counts(), Counts()
    per_visit: dict[str, Any] = {}
    counters = {k: 0 for k in SAFETY_COUNTERS}
    review_total = 0
    scored = 0
    t0 = time.perf_counter()
    for vid, transcript, expected in docs:
        note = gen.generate(transcript)
        ins = note["insights"]
        errors = safety(truth_docs[vid], ins)
        review = _needs_review(transcript, ins)
        review_total += len(review)
        for k in SAFETY_COUNTERS:
            counters[k] += len(errors[k])
        pv: dict[str, Any] = {"safety": {k: v for k, v in errors.items() if v}, "needs_review": len(review)}
        if expected is not None:
            counts = score(expected, ins)
            for c in CATEGORIES:
                agg[c].add(counts[c])
            pv.update(f1=round(total(counts).f1, 4), misses=total(counts).misses)
            scored += 1
        if scribe_notes is not None and vid in scribe_notes:
            _vs_scribe(ins, scribe_notes[vid], med_names, dx_names)
        per_visit[vid] = pv
    elapsed = time.perf_counter() - t0
    out: dict[str, Any] = {"visits": len(docs), "safety": counters, "needs_review_items": review_total,
                           "per_visit": per_visit, "seconds_per_visit": round(elapsed / max(1, len(docs)), 3)}
    if scored:
        out["micro"] = total(agg).as_dict()
        out["per_category"] = {c: agg[c].as_dict() for c in CATEGORIES}
    if scribe_notes is not None:
        out["medication_names_vs_scribe_note"] = med_names.as_dict()
        if dx_names.tp + dx_names.fp + dx_names.fn:  # only notes with an ASSESSMENT AND PLAN (ACI)
            out["diagnosis_categories_vs_scribe_plan"] = dx_names.as_dict()
    return out


def _add(counts: Counts, written: set[str], said: set[str]) -> None:
    counts.tp += len(written & said)
    counts.fp += len(written - said)
    counts.fn += len(said - written)


def scribe_medications(note: str) -> set[str]:
    """The drugs a scribe's note names as medications, by their curated name: a line about allergies
    ("Allergic to clindamycin") names none, and a sourced variant ("salbutamol inhalers") counts as the
    curated drug it holds (albuterol), not as a second drug."""
    from medisync.ml.notes.lexicon import drug_lexicon
    from medisync.ml.notes.text import content_view, tokenize

    lines = [line for line in note.splitlines() if "allerg" not in line.lower()]
    said = said_facts({"segments": [{"role": "clinician", "speaker": "S", "text": "\n".join(lines)}]})[0]
    curated = drug_lexicon().matcher

    def canonical(name: str) -> str:
        found = curated.find(content_view(tokenize(name))[0])
        return _drug_key(found[0].payload.name if len(found) == 1 else name)  # one key for both sides (D276)
    return {canonical(n) for n in said}


def _vs_scribe(ins: dict[str, Any], note: str, med_names: Counts, dx_names: Counts) -> None:
    """Medication names written vs named anywhere in the scribe's note; diagnosis categories coded
    vs the conditions of the scribe's assessment and plan."""
    _add(med_names, {_drug_key(m["name"]) for m in ins["medications"]}, scribe_medications(note))
    planned = scribe_plan_conditions(note)
    if planned is not None:
        _add(dx_names, {d["icd10"][:3] for d in ins["diagnoses"]}, planned)


def aci_transcript(src: str) -> dict[str, Any]:
    """An ACI-Bench dialogue (one ``[doctor]``/``[patient]`` turn a line) as a transcript document."""
    segs = []
    for line in src.splitlines():
        m = re.match(r"\s*\[([\w ]+)\]\s*(.*)", line)
        if not m or not m.group(2).strip():
            continue
        tag = m.group(1).strip().lower()
        role = "clinician" if tag == "doctor" else "patient" if tag == "patient" else "other"
        segs.append({"speaker": tag, "role": role, "text": m.group(2), "words": []})
    return {"language": "en", "text": " ".join(s["text"] for s in segs), "segments": segs}


def load_aci(split: str) -> list[tuple[str, dict[str, Any], str]]:
    path = ACI_DIR / f"{split}.json"
    if not path.exists():
        return []
    return [(f"aci-{split}-{x['file']}", aci_transcript(x["src"]), x["tgt"]) for x in json.loads(path.read_text())["data"]]


def asr_live(truths: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any], dict[str, Any]]] | str:
    try:
        from medisync.ml.transcription import SpeechTranscriber  # type: ignore[import-not-found]
    except Exception as exc:  # pragma: no cover - depends on the other component
        return f"SpeechTranscriber not importable: {exc!r}"
    tr = SpeechTranscriber()
    out = []
    for vid, truth in truths:
        wav = FIXTURES / f"{vid}.wav"
        if not wav.exists():
            continue
        out.append((vid, tr.transcribe(str(wav)), truth["expected"]))
    return out


STOPLIST = ROOT / "medisync" / "ml" / "notes" / "data" / "drug_fuzzy_stoplist.json"
COMMON_DRUG_WORDS = ROOT / "medisync" / "ml" / "notes" / "data" / "drug_common_words.json"
#: wordfreq Zipf frequency at or above which a name variant counts as a common English word
ZIPF_COMMON_GENERIC = 3.0  # a generic name as frequent as "estrogen" or "thyroid"
ZIPF_COMMON_OTHER = 2.0  # brand names and synonyms: "armour", "camila", "kendrick", "alli", "sone"


def common_drug_words(write: bool = False) -> dict[str, Any]:
    """Sourced drug-name variants that are common English words, or stop words of the package itself.

    The exact-match sourced vocabulary (lexicon.sourced_drug_lexicon) leaves them out.  Needs wordfreq
    and drug-named-entity-recognition; with ``write`` the list goes to data/drug_common_words.json.
    """
    try:
        from wordfreq import zipf_frequency  # type: ignore[import-not-found]
        from drug_named_entity_recognition.util import stopwords  # type: ignore[import-not-found]
    except ImportError as exc:
        return {"error": f"{exc!r}: pip install wordfreq drug-named-entity-recognition"}
    from medisync.ml.notes.lexicon import sourced_variants

    variants = sourced_variants()
    words = []
    for variant, name in variants.items():
        z = zipf_frequency(variant, "en")
        if variant in stopwords or z >= ZIPF_COMMON_GENERIC or (variant != name and z >= ZIPF_COMMON_OTHER):
            words.append(variant)
    if write:
        COMMON_DRUG_WORDS.write_text(json.dumps({
            "_about": "Name variants of the drug-named-entity-recognition vocabulary that are common English "
                      f"words (wordfreq Zipf >= {ZIPF_COMMON_GENERIC} for a generic name, >= {ZIPF_COMMON_OTHER} "
                      "for a brand or synonym) or the package's own stop words. Never matched as drugs. "
                      "Generated by bench/ml_notes.py --calibrate --write-stoplist.",
            "words": sorted(words)}, indent=0) + "\n")
    return {"variants": len(variants), "common_words": len(words)}


def calibrate(write_stoplist: bool = False) -> dict[str, Any]:
    """False positives of the drug matcher on frequent English words and bigrams.

    With ``write_stoplist`` the frequent words that score at or above the VERB
    threshold against some drug are written to data/drug_fuzzy_stoplist.json;
    the matcher never fuzzily matches them on their own (outside a dose context).
    """
    from medisync.ml.notes.drugs import SAFE_FUZZY, THRESHOLDS, best_drug
    from medisync.ml.notes.lexicon import drug_lexicon

    surfaces = {k.replace(" ", "") for k in drug_lexicon().surface}

    try:
        from wordfreq import top_n_list  # type: ignore[import-not-found]
    except ImportError:
        return {"error": "wordfreq is not installed (pip install wordfreq); calibration skipped"}
    ranked = [w for w in top_n_list("en", 60000) if w.isalpha() and len(w) >= 5]
    words = [w for w in ranked if w in set(top_n_list("en", 30000))]
    held_out = [w for w in ranked if w not in set(words)]
    bigrams = [a + b for a, b in zip(words[:3000], words[1:3001])]
    levels = sorted({0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, SAFE_FUZZY, *THRESHOLDS.values()})
    scored = []
    for w in words + bigrams:
        drug, s = best_drug(w)
        if drug is not None and w not in surfaces:
            scored.append((w, drug.name, s))
    n = len(words) + len(bigrams)
    rates = {str(lv): round(sum(1 for x in scored if x[2] >= lv) / n, 5) for lv in levels}
    common = common_drug_words(write_stoplist)
    if write_stoplist:
        risky = sorted({w for w, _d, sc in scored if sc >= THRESHOLDS["verb"] - 0.04 and w in set(words)})
        STOPLIST.write_text(json.dumps({
            "_about": "Frequent English words (wordfreq top 30k, len>=5) that score >= VERB threshold - 0.04 "
                      "against some drug name. Generated by bench/ml_notes.py --calibrate --write-stoplist; "
                      "such a single word is only matched fuzzily right before a dose.",
            "words": risky}, indent=0) + "\n")
    # held-out words (rank 30k-60k): the stoplist does not cover them
    from medisync.ml.notes.drugs import fuzzy_stoplist

    fuzzy_stoplist.cache_clear()
    stop = fuzzy_stoplist()
    held = [(w, *best_drug(w)) for w in held_out]
    held = [(w, d.name, s) for w, d, s in held if d is not None and w not in surfaces and w not in stop]
    return {
        "candidates": n,
        "held_out_words": len(held_out),
        "thresholds_in_use": THRESHOLDS,
        "raw_false_positive_rate_top30k": rates,
        "held_out_false_positive_rate": {
            ctx: round(sum(1 for x in held if x[2] >= th) / max(1, len(held_out)), 5) for ctx, th in THRESHOLDS.items()
        },
        "held_out_false_positive_rate_at_safe_fuzzy": round(sum(1 for x in held if x[2] >= SAFE_FUZZY) / max(1, len(held_out)), 5),
        "held_out_examples_at_safe_fuzzy": [f"{w}->{d}:{s:.2f}" for w, d, s in held if s >= SAFE_FUZZY][:30],
        "held_out_examples_at_none": [f"{w}->{d}:{s:.2f}" for w, d, s in held if s >= THRESHOLDS["none"]][:30],
        "held_out_examples_at_verb": [f"{w}->{d}:{s:.2f}" for w, d, s in held if s >= THRESHOLDS["verb"]][:30],
        "stoplist_size": len(stop),
        "sourced_vocabulary": common,
    }


def _fmt_row(name: str, res: dict[str, Any]) -> str:
    sf = res["safety"]
    tail = f"  {sf['unsaid_medications']:>6} {sf['negated_diagnoses_coded']:>3} {sf['unstated_diagnoses_coded']:>4} {res['needs_review_items']:>6}"
    if "micro" not in res:
        extra, dx = res.get("medication_names_vs_scribe_note"), res.get("diagnosis_categories_vs_scribe_plan")
        dx_f1 = f", diagnoses F1 {dx['f1']:.2f}" if dx else ""
        mid = f"(vs scribe: medication names F1 {extra['f1']:.2f}{dx_f1})" if extra else ""
        return f"{name:<26} {res['visits']:>3} {'-':>5}  {mid:<62}" + tail
    cells = [f"{res['per_category'][c]['f1']:.2f}" for c in CATEGORIES]
    return f"{name:<26} {res['visits']:>3} {res['micro']['f1']:.3f}  " + " ".join(f"{c:>6}" for c in cells) + tail


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--asr", action="store_true", help="also transcribe the dev wavs with SpeechTranscriber")
    ap.add_argument("--calibrate", action="store_true", help="drug matcher false-positive calibration (needs wordfreq)")
    ap.add_argument("--write-stoplist", action="store_true", help="with --calibrate: regenerate data/drug_fuzzy_stoplist.json")
    ap.add_argument("--out", default=str(RESULTS))
    ap.add_argument("--no-aci", action="store_true", help="skip the ACI-Bench text conditions")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the misses")
    args = ap.parse_args(argv)

    random.seed(0)
    truths = load_truths()
    heldout = load_heldout()
    tune = load_heldout("tune")
    truths = truths + tune
    tunes = [load_truth_files(f) for f in (TUNE2, TUNE3, TUNE4, TUNE5, TUNE6, TUNE7, TUNE8)]
    truth_docs = {vid: truth_to_transcript(t) for vid, t in truths + heldout + [v for tune_set in tunes for v in tune_set]}
    conditions: dict[str, list[tuple[str, dict[str, Any], dict[str, Any] | None]]] = {}
    base = [(vid, truth_docs[vid], t["expected"]) for vid, t in truths]
    conditions["truth:dev"] = [d for d in base if d[0].startswith("dev-")]
    conditions["truth:extra"] = [d for d in base if d[0].startswith("extra-")]
    conditions["truth:tune"] = [d for d in base if d[0].startswith("tune-")]
    conditions["truth:all"] = base
    conditions["truth:heldout"] = [(vid, truth_docs[vid], t["expected"]) for vid, t in heldout]
    for n, tune_set in enumerate(tunes, start=2):
        conditions[f"truth:tune{n}"] = [(vid, truth_docs[vid], t["expected"]) for vid, t in tune_set]
    recorded = []
    for vid, t in truths + heldout:
        for f in (ASR_DIR / f"{vid}.asr.json", HELDOUT / f"{vid}.asr.json"):
            if f.exists():
                recorded.append((vid, json.loads(f.read_text()), t["expected"]))
                break
    held_ids = {vid for vid, _ in heldout}
    conditions["asr-recorded:dev"] = [d for d in recorded if d[0].startswith("dev-")]
    conditions["asr-recorded:extra"] = [d for d in recorded if d[0].startswith("extra-")]
    conditions["asr-recorded:tune"] = [d for d in recorded if d[0].startswith("tune-")]
    conditions["asr-recorded:heldout"] = [d for d in recorded if d[0] in held_ids]
    blind, blind_docs = blind_conditions()
    conditions.update(blind)
    truth_docs.update(blind_docs)
    for name, fn in DEGRADATIONS.items():
        conditions[f"degraded:{name}"] = [(vid, fn(doc), exp) for vid, doc, exp in base]
    scribe: dict[str, str] = {}
    if not args.no_aci:
        for split in ("train", "valid"):
            aci = load_aci(split)
            conditions[f"aci-text:{split}"] = [(vid, doc, None) for vid, doc, _tgt in aci]
            truth_docs.update({vid: doc for vid, doc, _tgt in aci})
            scribe.update({vid: tgt for vid, _doc, tgt in aci})
    notes: dict[str, Any] = {}
    if args.asr:
        live = asr_live(truths)
        if isinstance(live, str):
            notes["asr-live"] = live
        else:
            conditions["asr-live:dev"] = live

    results = {name: aggregates_only(name, evaluate(docs, truth_docs, scribe if name.startswith("aci") else None))
               for name, docs in conditions.items() if docs}
    header = f"{'condition':<26} {'n':>3} {'micro':>5}  " + " ".join(f"{c[:6]:>6}" for c in CATEGORIES) + "  unsaid neg unst review"
    print(header)
    print("-" * len(header))
    for name, res in results.items():
        print(_fmt_row(name, res))
    if args.verbose:
        for name, res in results.items():
            for vid, pv in res["per_visit"].items():
                for m in pv.get("misses", []):
                    print(f"  [{name}] {vid}: {m}")
                if pv["safety"]:
                    print(f"  [{name}] {vid}: SAFETY {pv['safety']}")
    out: dict[str, Any] = {
        "generator": ExtractiveNoteGenerator().provenance(),
        "target_f1": 0.85,
        "conditions": results,
        "notes": notes,
    }
    if args.calibrate:
        out["calibration"] = calibrate(args.write_stoplist)
        print(json.dumps(out["calibration"], indent=1))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
