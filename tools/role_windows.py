#!/usr/bin/env python3
"""Role assignment on PriMock57's own words, window by window (tune data for the role rules, D83).

    .venv/bin/python tools/role_windows.py PRIMOCK_TRANSCRIPTS_DIR [--length 55] [--stride 30]
                                           [--no-questions] [--show N]

Every PriMock57 consultation that no report clip uses (``REPORT_SOURCES``: r1-r3, realvoice
r4/r5) is cut into windows of ``length`` seconds, ``stride`` apart, the length of the re-voiced
clips. Each window is what a perfect diarizer and a Whisper-like ASR would give: the
reference utterances of the doctor and the patient, tags and fillers ("um", "uh") dropped,
split into sentences, with the speaker known. ``assign_roles`` labels them and the script
prints the duration-weighted share whose role is right, the windows whose two speakers come
out swapped, and the score per consultation. ``--no-questions`` drops every "?" (Whisper does
not always write one) to see how much the rules lean on it. ``--export PATH`` writes the
windows that the D51 rules (no grammatical person) did not get all right, and as many of the
others (every k-th), as the fixture of ``tests/unit/ml_speech/test_role_windows.py``. Nothing here is a runtime
dependency; PriMock57 (Babylon Health, CC BY 4.0) is read from the path given.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from medisync.ml.diarization import roles as role_rules  # noqa: E402
from medisync.ml.diarization.roles import assign_roles  # noqa: E402
from tools.revoice_primock import utterances  # noqa: E402

REPORT_SOURCES = {"day4_consultation04", "day4_consultation07", "day2_consultation06",
                  "day3_consultation08", "day4_consultation09"}
_FILLER = re.compile(r"\b(?:um+|uh+|erm|er|ah|hmm)\b[,.]?\s*", re.IGNORECASE)
ROLE = {"DOCTOR": "clinician", "PATIENT": "patient"}


def tune_sources(src: Path) -> list[str]:
    names = {p.name.rsplit("_", 1)[0] for p in src.glob("*_doctor.TextGrid")}
    return sorted(names - REPORT_SOURCES)


def sentences(utt: dict, drop_questions: bool) -> list[dict]:
    text = _FILLER.sub("", utt["text"]).strip(" ,")
    if drop_questions:
        text = text.replace("?", ".")
    parts = [p for p in re.split(r"(?<=[.!?])\s+", text) if re.search(r"[A-Za-z]", p)]
    span = (utt["end"] - utt["start"]) / max(1, len(parts))
    return [{"speaker": utt["speaker"], "text": p, "start": utt["start"] + i * span,
             "end": utt["start"] + (i + 1) * span} for i, p in enumerate(parts)]


def windows(utts: list[dict], length: float, stride: float) -> list[list[dict]]:
    end = max(u["end"] for u in utts)
    out, t = [], 0.0
    while t < max(end - length / 2, 1.0):
        w = [u for u in utts if t <= u["start"] < t + length]
        if len({u["speaker"] for u in w}) == 2:
            out.append(w)
        t += stride
    return out


def score(segs: list[dict], assign=assign_roles) -> tuple[float, float, bool]:
    """(seconds right, seconds, swapped: the doctor called patient and the patient clinician)."""
    roles = assign(segs)
    ok = sum(s["end"] - s["start"] for s in segs if roles[s["speaker"]] == ROLE[s["speaker"]])
    tot = sum(s["end"] - s["start"] for s in segs)
    return ok, tot, roles.get("DOCTOR") != "clinician" and roles.get("PATIENT") == "clinician"


def evaluate(src: Path, length: float, stride: float, drop_questions: bool, assign=assign_roles) -> dict:
    per_source: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    wrong_windows, n = [], 0
    for source in tune_sources(src):
        utts = utterances(src, source)
        for w in windows(utts, length, stride):
            segs = [s for u in w for s in sentences(u, drop_questions)]
            ok, tot, swapped = score(segs, assign)
            acc = per_source[source]
            acc[0], acc[1], acc[2] = acc[0] + ok, acc[1] + tot, acc[2] + swapped
            n += 1
            if ok < tot:
                wrong_windows.append((source, round(w[0]["start"]), ok / tot, segs))
    ok = sum(v[0] for v in per_source.values())
    tot = sum(v[1] for v in per_source.values())
    return {"windows": n, "accuracy": ok / tot, "swapped": sum(v[2] for v in per_source.values()),
            "wrong": wrong_windows, "per_source": dict(per_source)}


def export(src: Path, path: Path, length: float, stride: float) -> None:
    """Windows the D51 rules got wrong plus as many right ones, as segments with ``role``."""
    weights = role_rules.SECOND_PERSON_WEIGHT, role_rules.FIRST_PERSON_WEIGHT
    role_rules.SECOND_PERSON_WEIGHT = role_rules.FIRST_PERSON_WEIGHT = 0.0
    try:
        items = []
        for source in tune_sources(src):
            for w in windows(utterances(src, source), length, stride):
                segs = [s for u in w for s in sentences(u, False)]
                ok, tot, _ = score(segs)
                items.append({"source": source, "start": round(w[0]["start"], 2), "d51_right": ok == tot,
                              "segments": [{**s, "start": round(s["start"], 2), "end": round(s["end"], 2),
                                            "role": ROLE[s["speaker"]]} for s in segs]})
    finally:
        role_rules.SECOND_PERSON_WEIGHT, role_rules.FIRST_PERSON_WEIGHT = weights
    wrong = [i for i in items if not i["d51_right"]]
    right = [i for i in items if i["d51_right"]]
    keep = wrong + right[:: max(1, len(right) // max(1, len(wrong)))][: len(wrong)]
    head = json.dumps({"source": "PriMock57 (Babylon Health, CC BY 4.0), tune consultations",
                       "length_s": length, "stride_s": stride})[:-1]
    rows = ",\n".join(json.dumps(i, separators=(",", ":")) for i in keep)
    path.write_text(f'{head}, "windows": [\n{rows}\n]}}\n')


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("--length", type=float, default=55.0)
    ap.add_argument("--stride", type=float, default=30.0)
    ap.add_argument("--no-questions", action="store_true")
    ap.add_argument("--show", type=int, default=0, help="print the text of this many wrong windows")
    ap.add_argument("--export", type=Path, default=None, help="write the test fixture here and stop")
    args = ap.parse_args(argv)
    if args.export:
        export(args.src, args.export, args.length, args.stride)
        return 0
    res = evaluate(args.src, args.length, args.stride, args.no_questions)
    print(f"{len(res['per_source'])} consultations, {res['windows']} windows of {args.length:.0f} s: "
          f"roles {100 * res['accuracy']:.1f}% (duration), swapped {res['swapped']}, "
          f"not all right {len(res['wrong'])}")
    for source, (ok, tot, sw) in sorted(res["per_source"].items()):
        print(f"  {source}: {100 * ok / tot:5.1f}%  swapped windows {sw}")
    for source, start, acc, segs in res["wrong"][: args.show]:
        print(f"\n--- {source} @ {start} s: {100 * acc:.0f}%")
        for s in segs:
            print(f"  {s['speaker'][:3]} {s['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
