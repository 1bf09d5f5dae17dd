"""Benchmark the speech pipeline (ASR + diarization + roles) on the dev fixtures.

    .venv/bin/python bench/ml_speech.py                    # default model (base)
    .venv/bin/python bench/ml_speech.py --models base,tiny.en
    .venv/bin/python bench/ml_speech.py --files dev-07-hypertension

Per file and overall: normalised WER, DER (collar 0.25 s) computed on the
transcript segments ("DERseg") and on speaker turns made by joining a
speaker's consecutive segments across pauses under 1 s ("DERturn": the
references annotate whole turns, pauses included), estimated vs true speaker
count, role accuracy (share
of output segments whose role matches the reference turn they overlap most),
RTF of ASR alone and of the whole ``transcribe()``, and peak RSS.  Writes
``bench/results/ml_speech.json``.  Numbers only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from medisync.ml.asr.metrics import WerResult, word_error  # noqa: E402
from medisync.ml.diarization.metrics import diarization_error, read_rttm  # noqa: E402
from medisync.ml.transcription import SpeechTranscriber  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def discover() -> list[dict]:
    items = []
    for truth in sorted(FIXTURES.glob("*.truth.json")):
        d = json.loads(truth.read_text())
        items.append({
            "id": d.get("id", truth.name[: -len(".truth.json")]),
            "kind": "synthetic",
            "wav": str(truth.with_name(truth.name.replace(".truth.json", ".wav"))),
            "turns": [{"start": t["start"], "end": t["end"], "speaker": t["speaker"],
                       "role": t.get("role"), "text": t["text"]} for t in d["turns"]],
        })
    for meta in sorted((FIXTURES / "real").glob("*.json")):
        d = json.loads(meta.read_text())
        rttm = meta.with_suffix(".rttm")
        ref = read_rttm(str(rttm)) if rttm.exists() else [(t["start"], t["end"], t["speaker"]) for t in d["turns"]]
        items.append({
            "id": meta.stem,
            "kind": "real",
            "wav": str(meta.with_suffix(".wav")),
            "turns": [{"start": t["start"], "end": t["end"], "speaker": t["speaker"], "role": None,
                       "text": t["text"]} for t in d["turns"]],
            "rttm": [list(x) for x in ref],
        })
    return items


def role_accuracy(segments: list[dict], turns: list[dict]) -> float | None:
    if not segments or any(t["role"] is None for t in turns):
        return None
    ok = 0
    for s in segments:
        best, best_ov = None, -1.0
        for t in turns:
            ov = min(s["end"], t["end"]) - max(s["start"], t["start"])
            if ov > best_ov:
                best, best_ov = t, ov
        if best_ov <= 0:  # no overlap: nearest turn
            best = min(turns, key=lambda t: min(abs(s["start"] - t["end"]), abs(s["end"] - t["start"])))
        ok += best["role"] == s["role"]
    return ok / len(segments)


def merge_turns(segs: list[tuple[float, float, str]], max_gap: float = 1.0) -> list[tuple[float, float, str]]:
    """Consecutive same-speaker segments separated by less than ``max_gap`` -> one turn.

    The references annotate whole turns (pauses between a speaker's sentences
    count as speech), while the transcript has one segment per sentence.
    """
    out: list[list] = []
    for s, e, spk in segs:
        if out and out[-1][2] == spk and s - out[-1][1] < max_gap:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e, spk])
    return [tuple(x) for x in out]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_model(model: str, items: list[dict], cache_dir: str | None) -> dict:
    tr = SpeechTranscriber(model=model, cache_dir=cache_dir)
    t = time.perf_counter()
    tr.load()
    load_s = time.perf_counter() - t
    rows = []
    for it in items:
        out = tr.transcribe(it["wav"])
        timings = tr.last_timings
        ref_text = " ".join(t["text"] for t in it["turns"])
        w = word_error(ref_text, out["text"])
        ref_seg = it.get("rttm") or [(t["start"], t["end"], t["speaker"]) for t in it["turns"]]
        hyp_seg = [(s["start"], s["end"], s["speaker"]) for s in out["segments"]]
        der = diarization_error([tuple(x) for x in ref_seg], hyp_seg, collar=0.25)
        der_turns = diarization_error([tuple(x) for x in ref_seg], merge_turns(hyp_seg), collar=0.25)
        dur = out["duration_s"] or 1.0
        rows.append({
            "id": it["id"],
            "kind": it["kind"],
            "duration_s": dur,
            "wer": round(w.wer, 4),
            "wer_counts": {"sub": w.substitutions, "del": w.deletions, "ins": w.insertions, "ref": w.ref_words},
            "der": round(der.der, 4),
            "der_parts_s": {"missed": round(der.missed, 2), "false_alarm": round(der.false_alarm, 2),
                            "confusion": round(der.confusion, 2), "scored": round(der.total, 2)},
            "der_turns": round(der_turns.der, 4),
            "der_turns_parts_s": {"missed": round(der_turns.missed, 2),
                                  "false_alarm": round(der_turns.false_alarm, 2),
                                  "confusion": round(der_turns.confusion, 2), "scored": round(der_turns.total, 2)},
            "speakers_true": len({x[2] for x in ref_seg}),
            "speakers_est": len({s["speaker"] for s in out["segments"]}),
            "role_accuracy": role_accuracy(out["segments"], it["turns"]),
            "rtf_asr": round(timings["asr"] / dur, 4),
            "rtf_total": round(timings["total"] / dur, 4),
            "seconds": {k: round(v, 2) for k, v in timings.items()},
            "n_segments": len(out["segments"]),
        })
        print(f"  {it['id']}: done", file=sys.stderr)
    return {"model": model, "model_load_s": round(load_s, 2), "files": rows,
            "overall": overall(rows, items), "peak_rss_mb": round(peak_rss_mb(), 1)}


def overall(rows: list[dict], items: list[dict]) -> dict:
    res = {}
    for kind in ("synthetic", "real", "all"):
        sel = [r for r in rows if kind == "all" or r["kind"] == kind]
        if not sel:
            continue
        tot = WerResult(0, 0, 0, 0)
        for r in sel:
            c = r["wer_counts"]
            tot = tot + WerResult(c["sub"], c["del"], c["ins"], c["ref"])
        def pooled_der(key: str) -> float | None:
            scored = sum(r[key]["scored"] for r in sel)
            err = sum(r[key]["missed"] + r[key]["false_alarm"] + r[key]["confusion"] for r in sel)
            return round(err / scored, 4) if scored else None

        dur = sum(r["duration_s"] for r in sel)
        roles = [r["role_accuracy"] for r in sel if r["role_accuracy"] is not None]
        res[kind] = {
            "wer": round(tot.wer, 4),
            "der": pooled_der("der_parts_s"),
            "der_turns": pooled_der("der_turns_parts_s"),
            "speaker_count_correct": sum(r["speakers_true"] == r["speakers_est"] for r in sel),
            "files": len(sel),
            "role_accuracy": round(sum(roles) / len(roles), 4) if roles else None,
            "rtf_asr": round(sum(r["seconds"]["asr"] for r in sel) / dur, 4),
            "rtf_total": round(sum(r["seconds"]["total"] for r in sel) / dur, 4),
        }
    return res


def fmt(v, pct=True):
    if v is None:
        return "n/a"
    return f"{100 * v:5.1f}%" if pct else f"{v:.3f}"


def print_table(result: dict) -> None:
    print(f"\nmodel {result['model']}  (load {result['model_load_s']} s, peak RSS {result['peak_rss_mb']} MB)")
    head = (f"{'file':28} {'WER':>6} {'DERseg':>7} {'DERturn':>7} {'spk':>5} {'roles':>7} "
            f"{'RTF asr':>8} {'RTF all':>8}")
    print(head)
    print("-" * len(head))
    for r in result["files"]:
        print(f"{r['id']:28} {fmt(r['wer']):>6} {fmt(r['der']):>7} {fmt(r['der_turns']):>7} "
              f"{r['speakers_est']}/{r['speakers_true']:<3} "
              f"{fmt(r['role_accuracy']):>7} {r['rtf_asr']:8.3f} {r['rtf_total']:8.3f}")
    for kind, o in result["overall"].items():
        print(f"{'OVERALL ' + kind:28} {fmt(o['wer']):>6} {fmt(o['der']):>7} {fmt(o['der_turns']):>7} "
              f"{o['speaker_count_correct']}/{o['files']:<3} {fmt(o['role_accuracy']):>7} "
              f"{o['rtf_asr']:8.3f} {o['rtf_total']:8.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default="base", help="comma-separated: base,tiny.en or model paths")
    ap.add_argument("--files", default="", help="comma-separated fixture ids (default: all)")
    ap.add_argument("--cache-dir", default=None, help="model cache (see medisync.ml.model_cache)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "ml_speech.json"))
    args = ap.parse_args(argv)

    items = discover()
    if args.files:
        wanted = set(args.files.split(","))
        items = [i for i in items if i["id"] in wanted]
    results = []
    for model in [m for m in args.models.split(",") if m]:
        res = run_model(model, items, args.cache_dir)
        print_table(res)
        results.append(res)
    out = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cpu_count": os.cpu_count(),
        "results": results,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
