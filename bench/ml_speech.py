"""Benchmark the speech pipeline (ASR + diarization + roles), per data split.

    .venv/bin/python bench/ml_speech.py                    # default model (base), every split
    .venv/bin/python bench/ml_speech.py --models base,tiny.en --splits heldout
    .venv/bin/python bench/ml_speech.py --files dev-07-hypertension
    .venv/bin/python bench/ml_speech.py --asr-only --splits dev --options '{"beam_size": 1}'

Splits (``split`` in the output):

``dev``
    the three ``tests/fixtures/dev-*`` dialogues and the two ``tests/fixtures/heldout/tune-*``
    visits: everything here may be tuned on (decoding options were chosen on it).
``heldout``
    the four ``tests/fixtures/heldout/heldout-*`` visits: report only, never tuned on.
``blind``
    the five ``tests/fixtures/heldout/blind-*`` visits (D94): written by someone who had not read
    the extractors, report only; kept out of ``all`` so the pooled figures before D94 stay as
    they were.
``real``
    the two real-speech splices in ``tests/fixtures/real`` (used to tune the diarizer;
    no roles, no clinical facts).
``revoiced-tune`` / ``revoiced-report``
    PriMock57 consultations re-voiced at their real utterance times
    (``tests/fixtures/primock``, ``tools/revoice_primock.py``): the tune clips may be tuned
    on, the report clips are reported only.
``realvoice-report``
    the same turn-taking spoken by two real recorded women (Debian's asterisk prompts,
    telephone band): report only, no roles.

Per file, and pooled per split and overall: normalised WER (``medisync.ml.asr.normalize``),
WER and medical-term WER under the ``medwer`` protocol (its pinned Whisper normaliser and
term list; ``medisync.ml.asr.medical_wer``), DER (collar 0.25 s) computed on the
transcript segments ("DERseg") and on speaker turns made by joining a speaker's
consecutive segments across pauses under 1 s ("DERturn": the references annotate whole
turns, pauses included), estimated vs true speaker count, role accuracy (share of output
segments whose role is on the side of the reference turn they overlap most: clinician, or
the patient side, where ``other``, someone speaking for the patient, belongs (issue 13,
D83); ``rolesT``: the same weighted by overlapping duration), RTF of ASR alone and
of the whole ``transcribe()``, and peak RSS.  ``--asr-only`` skips diarization and roles
(for decoding-option sweeps); ``--cached-asr`` replays the recorded base words
(``tests/fixtures/asr_words``) instead of running Whisper, for diarization and roles only.
Writes ``bench/results/ml_speech.json``.  Numbers only;
nothing is asserted.
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

from medisync.ml.asr.medical_wer import ZERO as MEDWER_ZERO  # noqa: E402
from medisync.ml.asr.medical_wer import MedicalWer, medical_word_error  # noqa: E402
from medisync.ml.asr.metrics import WerResult, word_error  # noqa: E402
from medisync.ml.asr.whisper import AsrResult, AsrSegment, AsrWord, WhisperASR  # noqa: E402
from medisync.ml.diarization.metrics import diarization_error, read_rttm  # noqa: E402
from medisync.ml.diarization import default_diarizer  # noqa: E402
from medisync.ml.diarization.roles import side  # noqa: E402
from medisync.ml.transcription import SpeechTranscriber  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
ASR_CACHE = FIXTURES / "asr_words"


SPLITS = ("dev", "heldout", "blind", "real", "revoiced-tune", "revoiced-report", "realvoice-report")


def split_of(file_id: str) -> str:
    """``heldout-*`` and ``blind-*`` visits are held out; every other synthetic visit is dev (tunable)."""
    for split in ("heldout", "blind"):
        if file_id.startswith(split + "-"):
            return split
    return "dev"


def _synthetic(truth: Path) -> dict:
    d = json.loads(truth.read_text())
    file_id = d.get("id", truth.name[: -len(".truth.json")])
    audio = truth.with_name(d.get("audio") or truth.name.replace(".truth.json", ".wav"))
    return {
        "id": file_id,
        "kind": "synthetic",
        "split": d["split"] if d.get("split") in ("heldout", "blind") else split_of(file_id),
        "wav": str(audio),
        "turns": [{"start": t["start"], "end": t["end"], "speaker": t["speaker"],
                   "role": t.get("role"), "text": t["text"]} for t in d["turns"]],
        "vitals": (d.get("expected") or {}).get("vitals"),
    }


def discover() -> list[dict]:
    truths = sorted(FIXTURES.glob("*.truth.json")) + sorted((FIXTURES / "heldout").glob("*.truth.json"))
    items = [_synthetic(t) for t in truths]
    for meta in sorted((FIXTURES / "real").glob("*.json")):
        d = json.loads(meta.read_text())
        rttm = meta.with_suffix(".rttm")
        ref = read_rttm(str(rttm)) if rttm.exists() else [(t["start"], t["end"], t["speaker"]) for t in d["turns"]]
        items.append({
            "id": meta.stem,
            "kind": "real",
            "split": "real",
            "wav": str(meta.with_suffix(".wav")),
            "turns": [{"start": t["start"], "end": t["end"], "speaker": t["speaker"], "role": None,
                       "text": t["text"]} for t in d["turns"]],
            "rttm": [list(x) for x in ref],
        })
    items.extend(_revoiced(meta) for meta in sorted((FIXTURES / "primock").glob("primock-*.json")))
    items.extend(_revoiced(meta, "realvoice-") for meta in sorted((FIXTURES / "primock").glob("realvoice-*.json")))
    return items


def _revoiced(meta: Path, prefix: str = "revoiced-") -> dict:
    """A PriMock57 consultation re-voiced at its real utterance times (tools/revoice_primock.py);
    ``realvoice-*``: spoken by two real recorded voices (asterisk prompts), report only."""
    d = json.loads(meta.read_text())
    return {
        "id": d["id"],
        "kind": prefix.rstrip("-"),
        "split": prefix + d["split"],
        "wav": str(meta.with_name(d["audio"])),
        "turns": [{"start": t["start"], "end": t["end"], "speaker": t["speaker"], "role": t["role"],
                   "text": t["text"]} for t in d["turns"]],
        "rttm": [list(x) for x in read_rttm(str(meta.with_suffix(".rttm")))],
    }


def role_accuracy(segments: list[dict], turns: list[dict]) -> float | None:
    """Share of output segments whose role is on the side of the reference turn they overlap most.

    Sides (``roles.side``, D83): a parent or relative (``other``) speaks for the patient, so
    ``patient`` and ``other`` are the same side; a nurse is a clinician. Turns without a role (real-speech splices; a re-voiced relative speaking the patient's
    lines) are not scored; ``None`` when nothing is.
    """
    if not segments or all(t["role"] is None for t in turns):
        return None
    ok = n = 0
    for s in segments:
        best, best_ov = None, -1.0
        for t in turns:
            ov = min(s["end"], t["end"]) - max(s["start"], t["start"])
            if ov > best_ov:
                best, best_ov = t, ov
        if best_ov <= 0:  # no overlap: nearest turn
            best = min(turns, key=lambda t: min(abs(s["start"] - t["end"]), abs(s["end"] - t["start"])))
        if best["role"] is not None:
            ok += side(best["role"]) == side(s["role"])
            n += 1
    return ok / n if n else None


def role_overlap_s(segments: list[dict], turns: list[dict]) -> tuple[float, float] | None:
    """(seconds of reference speech whose output role is on the right side, seconds scored).

    Duration-weighted role accuracy: each output segment's overlap with each reference
    turn counts, so a long turn weighs more than a backchannel; speech the output does
    not cover is not scored (that is DER's missed speech).
    """
    if not segments or all(t["role"] is None for t in turns):
        return None
    ok = tot = 0.0
    for s in segments:
        for t in (t for t in turns if t["role"] is not None):
            ov = min(s["end"], t["end"]) - max(s["start"], t["start"])
            if ov > 0:
                tot += ov
                ok += ov * (side(s["role"]) == side(t["role"]))
    return ok, tot


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


def text_scores(ref_text: str, hyp_text: str) -> dict:
    w = word_error(ref_text, hyp_text)
    m = medical_word_error(ref_text, hyp_text)
    return {
        "wer": round(w.wer, 4),
        "wer_counts": {"sub": w.substitutions, "del": w.deletions, "ins": w.insertions, "ref": w.ref_words},
        "medwer_wer": None if m.wer is None else round(m.wer, 4),
        "medical_wer": None if m.medical_wer is None else round(m.medical_wer, 4),
        "medwer_counts": {"edits": m.edits, "ref": m.ref_words, "med_edits": m.medical_edits,
                          "med_ref": m.medical_ref_words},
    }


def diarization_scores(it: dict, out: dict) -> dict:
    ref_seg = it.get("rttm") or [(t["start"], t["end"], t["speaker"]) for t in it["turns"]]
    hyp_seg = [(s["start"], s["end"], s["speaker"]) for s in out["segments"]]
    der = diarization_error([tuple(x) for x in ref_seg], hyp_seg, collar=0.25)
    der_turns = diarization_error([tuple(x) for x in ref_seg], merge_turns(hyp_seg), collar=0.25)
    return {
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
        "role_seconds": role_overlap_s(out["segments"], it["turns"]),
        "n_segments": len(out["segments"]),
    }


def save_transcript(out: dict, path: Path) -> None:
    """The served transcript (segments, speakers, roles, words), as the notes benchmark reads it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n")


def run_file(engine, it: dict, asr_only: bool, save_dir: Path | None = None) -> dict:
    ref_text = " ".join(t["text"] for t in it["turns"])
    if asr_only:
        res = engine.transcribe(it["wav"])
        hyp, dur = res.text, res.duration_s or 1.0
        timings = {"asr": res.seconds, "total": res.seconds}
        row = {}
    else:
        out = engine.transcribe(it["wav"])
        hyp, dur, timings = out["text"], out["duration_s"] or 1.0, engine.last_timings
        row = {**diarization_scores(it, out), "restored": restored(engine, ref_text),
               "vitals_restored": vitals_restored(engine, it.get("vitals"))}
        if save_dir is not None:
            save_transcript(out, save_dir / f"{it['id']}.asr.json")
    return {
        "id": it["id"], "kind": it["kind"], "split": it["split"], "duration_s": dur,
        **text_scores(ref_text, hyp), **row,
        "rtf_asr": round(timings["asr"] / dur, 4),
        "rtf_total": round(timings["total"] / dur, 4),
        "seconds": {k: round(v, 2) for k, v in timings.items()},
        "hypothesis": hyp,
    }


def restored(engine, ref_text: str) -> list[dict]:
    """The drug names the restore pass wrote (D91), each marked whether the visit's script says it."""
    said = ref_text.lower()
    return [{"drug": r.drug, "heard": r.heard, "said": r.drug in said}
            for r in getattr(engine, "last_restorations", [])]


def vitals_restored(engine, truth: dict | None) -> list[dict]:
    """The segments whose vital signs the vitals pass heard again (D137): each reading it gained or changed,
    marked whether the visit's truth has that value (``None`` where the visit has no truth vitals)."""
    from medisync.ml.notes.vitals import read_statement

    out = []
    for r in getattr(engine, "last_vitals", []):
        before, after = read_statement(r.heard), read_statement(r.said)
        changed = {k: v for k, v in after.items() if v is not None and before.get(k) != v}
        out.append({"heard": r.heard, "said": r.said, "changed": changed,
                    "right": None if truth is None else all(truth.get(k) == v for k, v in changed.items())})
    return out


class CachedASR:
    """Stands in for ``WhisperASR``: replays the words ``tools/cache_asr_words.py`` recorded.

    With it the real diarizer and role rules run on the default ASR's real output in
    seconds (``--cached-asr``); WER is then the recorded model's, RTF covers no ASR.
    """

    def __init__(self, items: list[dict], cache: Path = ASR_CACHE) -> None:
        self.paths = {it["wav"]: cache / f"{it['id']}.json" for it in items}

    def load(self) -> "CachedASR":
        return self

    def transcribe(self, audio_path: str) -> AsrResult:
        d = json.loads(self.paths[str(audio_path)].read_text())
        segs = [AsrSegment(s["start"], s["end"], s["text"], [AsrWord(**w) for w in s["words"]])
                for s in d["segments"]]
        return AsrResult(d["language"], d["duration_s"], segs, d["model_name"], d["model_version"], 0.0)


def run_model(model: str, items: list[dict], cache_dir: str | None, options: dict | None = None,
              asr_only: bool = False, save_dir: Path | None = None, cached_asr: bool = False,
              diarizer_options: dict | None = None) -> dict:
    options = dict(options or {})
    diarizer = default_diarizer(**diarizer_options) if diarizer_options else None
    if cached_asr:
        engine = SpeechTranscriber(asr=CachedASR(items), diarizer=diarizer)
        model = "cached:" + model
    else:
        engine = (WhisperASR(model=model, cache_dir=cache_dir, **options) if asr_only
                  else SpeechTranscriber(model=model, cache_dir=cache_dir, diarizer=diarizer, **options))
    t = time.perf_counter()
    engine.load()
    load_s = time.perf_counter() - t
    rows = []
    for it in items:
        rows.append(run_file(engine, it, asr_only, save_dir))
        print(f"  {it['id']}: done", file=sys.stderr)
    return {"model": model, "options": options, "asr_only": asr_only, "model_load_s": round(load_s, 2),
            "files": rows, "overall": overall(rows), "peak_rss_mb": round(peak_rss_mb(), 1)}


def pooled(sel: list[dict]) -> dict:
    tot = WerResult(0, 0, 0, 0)
    med = MEDWER_ZERO
    for r in sel:
        c, m = r["wer_counts"], r["medwer_counts"]
        tot = tot + WerResult(c["sub"], c["del"], c["ins"], c["ref"])
        med = med + MedicalWer(m["edits"], m["ref"], m["med_edits"], m["med_ref"])

    def pooled_der(key: str) -> float | None:
        if any(key not in r for r in sel):
            return None
        scored = sum(r[key]["scored"] for r in sel)
        err = sum(r[key]["missed"] + r[key]["false_alarm"] + r[key]["confusion"] for r in sel)
        return round(err / scored, 4) if scored else None

    dur = sum(r["duration_s"] for r in sel)
    roles = [r["role_accuracy"] for r in sel if r.get("role_accuracy") is not None]
    role_s = [r["role_seconds"] for r in sel if r.get("role_seconds")]
    return {
        "wer": round(tot.wer, 4),
        "medwer_wer": None if med.wer is None else round(med.wer, 4),
        "medical_wer": None if med.medical_wer is None else round(med.medical_wer, 4),
        "medical_ref_terms": med.medical_ref_words,
        "der": pooled_der("der_parts_s"),
        "der_turns": pooled_der("der_turns_parts_s"),
        "speaker_count_correct": (sum(r["speakers_true"] == r["speakers_est"] for r in sel)
                                  if all("speakers_est" in r for r in sel) else None),
        "files": len(sel),
        "role_accuracy": round(sum(roles) / len(roles), 4) if roles else None,
        "role_accuracy_dur": (round(sum(a for a, _ in role_s) / sum(b for _, b in role_s), 4)
                              if role_s and sum(b for _, b in role_s) else None),
        "rtf_asr": round(sum(r["seconds"]["asr"] for r in sel) / dur, 4),
        "rtf_total": round(sum(r["seconds"]["total"] for r in sel) / dur, 4),
    }


def overall(rows: list[dict]) -> dict:
    """Pooled figures per split (dev / heldout / blind / real ...) and over every file but the
    blind ones ("all", as before D94)."""
    res = {}
    for split in (*SPLITS, "all"):
        sel = [r for r in rows if r["split"] == split or (split == "all" and r["split"] != "blind")]
        if sel:
            res[split] = pooled(sel)
    return res


def fmt(v, pct=True):
    if v is None:
        return "n/a"
    return f"{100 * v:5.1f}%" if pct else f"{v:.3f}"


def _dur_acc(pair) -> float | None:
    return pair[0] / pair[1] if pair and pair[1] else None


def aggregates_only(result: dict) -> dict:
    """A blind visit (D94) keeps only its id in the results and the printed table: no transcript, no per-visit score
    and no heard words (D293, as ``bench/ml_notes.py`` does since D223). The blind split's pooled figures gain the
    count of names the restore pass wrote there and of those the visits do not say."""
    blind = [f for f in result["files"] if f.get("split") == "blind"]
    pooled = result.get("overall", {}).get("blind")
    if not blind:
        return result
    if pooled is not None:
        pooled["restored"] = sum(len(f.get("restored", [])) for f in blind)
        pooled["restored_not_said"] = sum(1 for f in blind for r in f.get("restored", []) if not r["said"])
    files = [{"id": f["id"], "split": "blind"} if f.get("split") == "blind" else f for f in result["files"]]
    return {**result, "files": files}


def print_table(result: dict) -> None:
    opts = f" {json.dumps(result['options'])}" if result["options"] else ""
    print(f"\nmodel {result['model']}{opts}{' (ASR only)' if result['asr_only'] else ''}  "
          f"(load {result['model_load_s']} s, peak RSS {result['peak_rss_mb']} MB)")
    head = (f"{'file':28} {'split':16} {'WER':>6} {'medWER':>7} {'DERseg':>7} {'DERturn':>7} {'spk':>5} "
            f"{'roles':>7} {'rolesT':>7} {'RTF asr':>8} {'RTF all':>8}")
    print(head)
    print("-" * len(head))
    for r in [f for f in result["files"] if "wer" in f]:  # a blind visit has no row of its own (D293)
        print(f"{r['id']:28} {r['split']:16} {fmt(r['wer']):>6} {fmt(r['medical_wer']):>7} "
              f"{fmt(r.get('der')):>7} {fmt(r.get('der_turns')):>7} "
              f"{r.get('speakers_est', '-')}/{r.get('speakers_true', '-')!s:<3} "
              f"{fmt(r.get('role_accuracy')):>7} {fmt(_dur_acc(r.get('role_seconds'))):>7} "
              f"{r['rtf_asr']:8.3f} {r['rtf_total']:8.3f}")
    for split, o in result["overall"].items():
        print(f"{'OVERALL ' + split:28} {'':16} {fmt(o['wer']):>6} {fmt(o['medical_wer']):>7} {fmt(o['der']):>7} "
              f"{fmt(o['der_turns']):>7} {o['speaker_count_correct'] if o['speaker_count_correct'] is not None else '-'}"
              f"/{o['files']:<3} "
              f"{fmt(o['role_accuracy']):>7} {fmt(o['role_accuracy_dur']):>7} {o['rtf_asr']:8.3f} {o['rtf_total']:8.3f}")
    done = [(r["id"], x) for r in result["files"] for x in r.get("restored", [])]
    print(f"drug names restored from the audio (D91): {len(done)}, not said: {sum(not x['said'] for _, x in done)}"
          + "".join(f"\n  {i}: {x['drug']} <- {x['heard']!r}{'' if x['said'] else '  NOT SAID'}" for i, x in done))
    heard = [(r["id"], x) for r in result["files"] for x in r.get("vitals_restored", [])]
    print(f"vital signs heard again (D137): {len(heard)}, not the truth's: {sum(x['right'] is False for _, x in heard)}"
          + "".join(f"\n  {i}: {x['changed']}{'  NOT THE TRUTH' if x['right'] is False else ''}" for i, x in heard))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default="base", help="comma-separated: base,tiny.en or model paths")
    ap.add_argument("--files", default="", help="comma-separated fixture ids (default: all)")
    ap.add_argument("--splits", default="", help=f"comma-separated, any of {','.join(SPLITS)} (default: all)")
    ap.add_argument("--options", default="", help="JSON object of extra WhisperASR options, e.g. "
                    "'{\"beam_size\": 1, \"vad_filter\": true}'")
    ap.add_argument("--asr-only", action="store_true", help="skip diarization and roles")
    ap.add_argument("--diarizer-options", default="", help="JSON object of ResemblyzerDiarizer options, "
                    "e.g. '{\"threshold\": 0.4, \"merge_similarity\": 0.8}'")
    ap.add_argument("--cached-asr", action="store_true",
                    help="replay the base model's recorded words (tests/fixtures/asr_words) instead of "
                         "running Whisper: diarization and roles only, in seconds")
    ap.add_argument("--save-transcripts", default=None, metavar="DIR",
                    help="write each file's transcript to DIR/<id>.asr.json (first model only)")
    ap.add_argument("--cache-dir", default=None, help="model cache (see medisync.ml.model_cache)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "ml_speech.json"))
    args = ap.parse_args(argv)

    items = discover()
    if args.files:
        wanted = set(args.files.split(","))
        items = [i for i in items if i["id"] in wanted]
    if args.splits:
        items = [i for i in items if i["split"] in set(args.splits.split(","))]
    if args.cached_asr:  # the blind visits (D94) have no recorded words: replayed runs stay as before
        items = [i for i in items if (ASR_CACHE / f"{i['id']}.json").exists()]
    options = json.loads(args.options) if args.options else {}
    results = []
    save_dir = Path(args.save_transcripts) if args.save_transcripts else None
    for model in [m for m in args.models.split(",") if m]:
        res = run_model(model, items, args.cache_dir, options, args.asr_only, save_dir, args.cached_asr,
                        json.loads(args.diarizer_options) if args.diarizer_options else None)
        save_dir = None
        res = aggregates_only(res)
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
