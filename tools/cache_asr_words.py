#!/usr/bin/env python3
"""Record the default ASR's words (base, beam 5, VAD, int8) for every benchmark fixture.

    .venv/bin/python tools/cache_asr_words.py [--out tests/fixtures/asr_words] [--files ID,...]

Writes ``<id>.json``: the ``AsrResult`` as faster-whisper returned it (segments, words with
raw timestamps, before the diarizer's pause snapping).  ``bench/ml_speech.py --cached-asr``
and ``tests/unit/ml_speech/test_diarization_floors.py`` run the real diarizer and role
assignment on these words, so diarization can be measured and tested in seconds without
running Whisper.  Regenerate after changing the ASR defaults.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ml_speech import discover  # noqa: E402

from medisync.ml.asr.whisper import WhisperASR  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "tests" / "fixtures" / "asr_words"))
    ap.add_argument("--files", default="")
    ap.add_argument("--model", default="base")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    asr = WhisperASR(model=args.model)
    wanted = set(filter(None, args.files.split(",")))
    for it in discover():
        if wanted and it["id"] not in wanted:
            continue
        res = asr.transcribe(it["wav"])
        d = dataclasses.asdict(res)
        d.pop("seconds", None)
        for seg in d["segments"]:
            seg["start"], seg["end"] = round(seg["start"], 3), round(seg["end"], 3)
            for w in seg["words"]:
                w["start"], w["end"], w["probability"] = round(w["start"], 3), round(w["end"], 3), round(w["probability"], 4)
        (out / f"{it['id']}.json").write_text(json.dumps(d, separators=(",", ":")) + "\n")
        print(it["id"], len(d["segments"]), "segments", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
