#!/usr/bin/env python3
"""Export what the speaker clustering sees of a re-voiced clip: window embeddings, regions, reference.

    .venv/bin/python tools/export_diarization_points.py CLIPS_DIR WORDS_DIR OUT_DIR ID [ID ...] [--words]

``CLIPS_DIR`` holds clips rendered by ``tools/revoice_primock.py`` (``<id>.flac/.json/.rttm``),
``WORDS_DIR`` the default ASR's words for them (``<id>.json``, as ``tools/cache_asr_words.py``
writes).  For each id the real diarizer's ``prepare`` runs on those words and
``OUT_DIR/<id>.npz`` gets: ``emb`` (windows x 256, float32), ``starts``/``ends`` (window
frames, 100 per second), ``regions`` (seconds), ``speaker`` (per window, the index into
``names`` of the reference speaker covering at least half of it, else -1) and ``names``.
``tests/unit/ml_speech/test_region_clustering.py`` counts speakers on these without audio.
With ``--words`` it also writes ``OUT_DIR/<id>.words.json``: the ASR segments and words, the word
spans and pauses as ``prepare`` refined them, and the reference turns, so that
``tests/unit/ml_speech/test_split_readings.py`` runs the whole labelling and role pass (D90).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medisync.ml.diarization import Span  # noqa: E402
from medisync.ml.diarization.metrics import read_rttm  # noqa: E402
from medisync.ml.diarization.resemblyzer_backend import FPS, ResemblyzerDiarizer  # noqa: E402


def window_speakers(starts: np.ndarray, ends: np.ndarray, ref: list, names: list[str]) -> np.ndarray:
    """Index of the reference speaker covering at least half of each window, else -1."""
    out = np.full(len(starts), -1, dtype=np.int8)
    for i, (a, b) in enumerate(zip(starts / FPS, ends / FPS)):
        cover = {n: sum(max(0.0, min(b, e) - max(a, s)) for s, e, k in ref if k == n) for n in names}
        best = max(cover, key=cover.__getitem__)
        if cover[best] >= 0.5 * (b - a):
            out[i] = names.index(best)
    return out


def export(clip: Path, words: Path, out: Path, diarizer: ResemblyzerDiarizer, with_words: bool = False) -> None:
    meta = json.loads(clip.read_text())
    asr = json.loads(words.read_text())
    spans = [Span(w["start"], max(w["end"], w["start"] + 0.01), group=i)
             for i, seg in enumerate(asr["segments"]) for w in seg["words"]]
    prep = diarizer.prepare(str(clip.with_name(meta["audio"])), spans)
    ref = read_rttm(str(clip.with_suffix(".rttm")))
    names = sorted({k for _, _, k in ref})
    starts = np.array([w.start for w in prep.windows], dtype=np.int32)
    ends = np.array([w.end for w in prep.windows], dtype=np.int32)
    np.savez_compressed(out, emb=prep.emb.astype(np.float32), starts=starts, ends=ends,
                        regions=np.array(prep.regions, dtype=np.float64).reshape(-1, 2),
                        speaker=window_speakers(starts, ends, ref, names), names=np.array(names))
    if with_words:
        out.with_suffix(".words.json").write_text(json.dumps(words_record(asr, prep, ref)))


def words_record(asr: dict, prep, ref: list) -> dict:
    """What the labelling needs besides the windows: words, refined spans, pauses, reference turns."""
    segments = [{"start": s["start"], "end": s["end"], "text": s["text"],
                 "words": [[w["start"], w["end"], w["word"]] for w in s["words"]]} for s in asr["segments"]]
    return {"duration_s": asr.get("duration_s"), "segments": segments,
            "spans": [[round(a, 4), round(b, 4)] for a, b in prep.spans],
            "pauses": [[round(a, 4), round(b, 4)] for a, b in prep.pauses],
            "reference": [[s, e, k] for s, e, k in ref]}


def main(argv: list[str]) -> int:
    with_words = "--words" in argv
    argv = [a for a in argv if a != "--words"]
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    clips, words, out = Path(argv[1]), Path(argv[2]), Path(argv[3])
    out.mkdir(parents=True, exist_ok=True)
    diarizer = ResemblyzerDiarizer()
    for clip_id in argv[4:]:
        export(clips / f"{clip_id}.json", words / f"{clip_id}.json", out / f"{clip_id}.npz", diarizer,
               with_words)
        print(clip_id, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
