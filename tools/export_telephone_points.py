#!/usr/bin/env python3
"""Two real voices over a telephone band, from the committed real-dev splices (D79, tune data).

    .venv/bin/python tools/export_telephone_points.py OUT_DIR [--audio]

Splices every pair of the four real voices of ``tests/fixtures/real/real-dev-*`` (``sonA``, ``sonB``,
``libA``, ``libB``) into a dialogue: the source segments of each voice in turn, 0.25-0.9 s gaps, a
-60 dBFS noise floor, the second voice 4 dB quieter; then ``revoice_primock.telephone`` (300-3400 Hz,
8 kHz, mu-law).  Word timings are the recorded base words (``tests/fixtures/asr_words``) moved with
their segment, so no ASR runs.  Writes ``realphone-<p>-<q>-phone.npz`` (the real diarizer's window
embeddings, as ``export_diarization_points.py`` does) and, with ``--audio``, the WAV and RTTM.
The clean (16 kHz) renderings are drawn too, unsaved, so the seeded gaps match the fixtures.
"""
from __future__ import annotations

import itertools
import json
import sys
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from export_diarization_points import window_speakers  # noqa: E402
from revoice_primock import telephone  # noqa: E402

from medisync.ml.diarization import Span  # noqa: E402
from medisync.ml.diarization.resemblyzer_backend import ResemblyzerDiarizer  # noqa: E402

REAL, WORDS, SR = ROOT / "tests" / "fixtures" / "real", ROOT / "tests" / "fixtures" / "asr_words", 16000
VOICES = {"sonA": ("real-dev-sonnet-podcast", "A"), "sonB": ("real-dev-sonnet-podcast", "B"),
          "libA": ("real-dev-librivox-podcast", "A"), "libB": ("real-dev-librivox-podcast", "B")}


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32) / 32768


def voice(file_id: str, speaker: str) -> list[tuple[np.ndarray, list[dict]]]:
    """Each source segment of one speaker: (audio, its words with times from the segment's start)."""
    y = read_wav(REAL / f"{file_id}.wav")
    meta = json.loads((REAL / f"{file_id}.json").read_text())
    words = [w for s in json.loads((WORDS / f"{file_id}.json").read_text())["segments"] for w in s["words"]]
    out = []
    for seg in (s for t in meta["turns"] if t["speaker"] == speaker for s in t["segments"]):
        a, b = seg["start"], seg["end"]
        mine = [dict(w, start=w["start"] - a, end=w["end"] - a) for w in words
                if a - 0.1 <= (w["start"] + w["end"]) / 2 <= b + 0.1]
        out.append((y[int(a * SR): int(b * SR)], mine))
    return out


def render(parts: list, gains_db: dict, phone: bool, rng: np.random.Generator) -> tuple:
    """(audio, sample rate, reference turns, word spans) of the spliced dialogue."""
    pieces, ref, spans, t = [], [], [], 0.3
    for n, (spk, (audio, words)) in enumerate(parts):
        pieces.append((t, audio * 10 ** (gains_db.get(spk, 0) / 20)))
        ref.append((t, t + len(audio) / SR, spk))
        spans += [Span(w["start"] + t, max(w["end"], w["start"] + 0.01) + t, group=n) for w in words]
        t += len(audio) / SR + float(rng.uniform(0.25, 0.9))
    mix = np.zeros(int((t + 0.3) * SR), np.float32)
    for start, audio in pieces:
        mix[int(start * SR): int(start * SR) + len(audio)] += audio
    mix += rng.standard_normal(len(mix)).astype(np.float32) * 10 ** (-60 / 20)
    return (telephone(mix), 8000, ref, spans) if phone else (mix, SR, ref, spans)


def save(out: Path, name: str, rendered: tuple, audio: bool, diarizer: ResemblyzerDiarizer) -> None:
    mix, sr, ref, spans = rendered
    wav = out / f"{name}.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes((np.clip(mix, -1, 1) * 32767).astype(np.int16).tobytes())
    prep = diarizer.prepare(str(wav), spans)
    names = sorted({k for *_, k in ref})
    starts = np.array([x.start for x in prep.windows], dtype=np.int32)
    ends = np.array([x.end for x in prep.windows], dtype=np.int32)
    np.savez_compressed(out / f"{name.replace('rv2-', 'realphone-')}.npz", emb=prep.emb.astype(np.float32),
                        starts=starts, ends=ends, regions=np.array(prep.regions, dtype=np.float64).reshape(-1, 2),
                        speaker=window_speakers(starts, ends, ref, names), names=np.array(names))
    if audio:
        (out / f"{name}.rttm").write_text("".join(
            f"SPEAKER {name} 1 {a:.3f} {b - a:.3f} <NA> <NA> {k} <NA> <NA>\n" for a, b, k in ref))
    else:
        wav.unlink()


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng, diarizer = np.random.default_rng(79), ResemblyzerDiarizer()
    turns = {k: voice(*v) for k, v in VOICES.items()}
    for p, q in itertools.combinations(VOICES, 2):
        seq = [x for pair in itertools.zip_longest(turns[p], turns[q]) for x in pair]
        parts = [(p if i % 2 == 0 else q, x) for i, x in enumerate(seq) if x is not None]
        render(parts, {}, False, rng)  # the clean rendering: drawn, not saved
        save(out, f"rv2-{p}-{q}-phone", render(parts, {q: -4}, True, rng), "--audio" in argv, diarizer)
        print(p, q, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
