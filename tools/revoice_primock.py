#!/usr/bin/env python3
"""Re-voice excerpts of real PriMock57 consultations at their real utterance times.

PriMock57 (Babylon Health, CC BY 4.0; https://github.com/babylonhealth/primock57) gives
the manual utterance timings of both sides of 57 mock GP consultations (doctor and
patient on separate tiers, so backchannels, interruptions and overlaps are all there).
This tool speaks each utterance with a synthetic voice starting at its real start time,
so the recording keeps the real turn-taking and comes with an exact reference:
every utterance's reference turn is where its synthetic audio actually lies.

    .venv/bin/python tools/revoice_primock.py PRIMOCK_TRANSCRIPTS_DIR tests/fixtures/primock
    .venv/bin/python tools/revoice_primock.py PRIMOCK_TRANSCRIPTS_DIR /tmp/extra --extra-tune 20
    .venv/bin/python tools/revoice_primock.py PRIMOCK_TRANSCRIPTS_DIR /tmp/brief --brief-tune 18

For each entry of ``CLIPS`` it writes ``<id>.flac`` (16 kHz, or 8 kHz for telephone-band
clips), ``<id>.rttm`` (the reference: one line per utterance, trimmed to its audio) and
``<id>.json`` (split, source, voices, conditions, roles and every turn with its text).

Conditions, per clip: ``gains_db`` (per-speaker level), ``noise_snr_db`` (pink noise,
seeded), ``telephone`` (300-3400 Hz band, 8 kHz, G.711 mu-law companding round trip).
``reassign``: utterances of a source speaker inside a time range are spoken by another
voice (a nurse or a relative who speaks briefly), so 3- and 4-speaker clips keep real
timing too; the role of a reassigned turn is given in ``roles``: a nurse who says the
doctor's lines is a clinician; a relative who says the patient's first-person lines has
role ``null`` (the words are the patient's, so no role is right; such turns count for DER
and speaker count, not for role accuracy).

Synthesis: espeak-ng 1.51 or flite 2.2 (voice lists start with "flite"); an utterance
longer than its real interval is re-spoken faster (up to 1.6x) to fit; if it still
overruns, it overlaps what follows, and the reference says so.  Deterministic.
Needs espeak-ng, flite, sox on PATH and numpy + scipy (tool only; not a runtime dependency).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np
from scipy.signal import butter, resample_poly, sosfiltfilt

SR = 16000
MAX_SPEEDUP = 1.6

# Excerpt choice: the clip starts at the first utterance at or after `start` (seconds into
# the consultation) and keeps every utterance that starts before start + `length`.
CLIPS = [
    # ---- tune: may be tuned on -------------------------------------------------------
    {"id": "primock-t1-day1c02", "split": "tune", "source": "day1_consultation02", "start": 60, "length": 55,
     "voices": {"DOCTOR": ["-v", "en-us+m3", "-p", "45", "-s", "165"], "PATIENT": ["flite", "-voice", "slt"]},
     "roles": {"DOCTOR": "clinician", "PATIENT": "patient"}, "gains_db": {}, "noise_snr_db": None,
     "telephone": False},
    {"id": "primock-t2-day2c03-phone", "split": "tune", "source": "day2_consultation03", "start": 90, "length": 55,
     "voices": {"DOCTOR": ["flite", "-voice", "rms"], "PATIENT": ["-v", "en-gb+m4", "-p", "35", "-s", "160"]},
     "roles": {"DOCTOR": "clinician", "PATIENT": "patient"}, "gains_db": {"PATIENT": -6}, "noise_snr_db": 25,
     "telephone": True},
    {"id": "primock-t3-day3c05-nurse", "split": "tune", "source": "day3_consultation05", "start": 120, "length": 55,
     "voices": {"DOCTOR": ["-v", "en-us+f2", "-p", "55", "-s", "170"], "PATIENT": ["flite", "-voice", "awb"],
                "NURSE": ["-v", "en-gb-scotland+f4", "-p", "60", "-s", "165"],
                "RELATIVE": ["-v", "en-us+m6", "-p", "30", "-s", "150"]},
     "roles": {"DOCTOR": "clinician", "PATIENT": "patient", "NURSE": "clinician", "RELATIVE": None},
     "reassign": [{"from": "DOCTOR", "to": "NURSE", "t0": 0, "t1": 15},
                  {"from": "PATIENT", "to": "RELATIVE", "t0": 35, "t1": 48}],
     "gains_db": {"NURSE": 3}, "noise_snr_db": 20, "telephone": False},
    # ---- report: never tuned on ------------------------------------------------------
    {"id": "primock-r1-day4c04", "split": "report", "source": "day4_consultation04", "start": 60, "length": 55,
     "voices": {"DOCTOR": ["flite", "-voice", "kal16"], "PATIENT": ["-v", "en-us+m1", "-p", "40", "-s", "160"]},
     "roles": {"DOCTOR": "clinician", "PATIENT": "patient"}, "gains_db": {"DOCTOR": -4}, "noise_snr_db": 30,
     "telephone": False},
    {"id": "primock-r2-day4c07-phone", "split": "report", "source": "day4_consultation07", "start": 90, "length": 55,
     "voices": {"DOCTOR": ["-v", "en-gb-x-rp+f3", "-p", "50", "-s", "165"], "PATIENT": ["-v", "en-us+f5", "-p", "65", "-s", "170"]},
     "roles": {"DOCTOR": "clinician", "PATIENT": "patient"}, "gains_db": {"DOCTOR": 4}, "noise_snr_db": 20,
     "telephone": True},
    {"id": "primock-r3-day2c06-family", "split": "report", "source": "day2_consultation06", "start": 120, "length": 55,
     "voices": {"DOCTOR": ["-v", "en-029+m2", "-p", "40", "-s", "160"], "PATIENT": ["-v", "en-us+f3", "-p", "55", "-s", "165"],
                "RELATIVE": ["flite", "-voice", "rms"]},
     "roles": {"DOCTOR": "clinician", "PATIENT": "patient", "RELATIVE": None},
     "reassign": [{"from": "PATIENT", "to": "RELATIVE", "t0": 20, "t1": 36}],
     "gains_db": {}, "noise_snr_db": 25, "telephone": False},
]

# Extra tune clips (``--extra-tune N``): rendered on demand for diarizer tuning, never committed.
# Consultations not used above; voice pairs drawn (seeded) mostly of the same sex, the hard case.
_MALE = [["-v", f"en-us+m{i}", "-p", str(30 + 5 * i), "-s", "160"] for i in range(1, 8)] + [
    ["-v", "en-gb+m2", "-p", "40", "-s", "165"], ["-v", "en-gb-x-rp+m5", "-p", "45", "-s", "160"],
    ["flite", "-voice", "rms"], ["flite", "-voice", "awb"], ["flite", "-voice", "kal16"]]
_FEMALE = [["-v", f"en-us+f{i}", "-p", str(50 + 4 * i), "-s", "165"] for i in range(1, 6)] + [
    ["-v", "en-gb+f2", "-p", "55", "-s", "160"], ["-v", "en-gb-scotland+f1", "-p", "60", "-s", "170"],
    ["flite", "-voice", "slt"]]
_USED = {"day3_consultation08", "day4_consultation09", "day1_consultation02", "day2_consultation03", "day3_consultation05", "day4_consultation04",
         "day4_consultation07", "day2_consultation06"}


def extra_tune_clips(src_dir: Path, n: int) -> list[dict]:
    rng = np.random.default_rng(13)
    sources = sorted({p.name.rsplit("_", 1)[0] for p in src_dir.glob("*_doctor.TextGrid")} - _USED)
    clips = []
    for k, source in enumerate(sources[:n]):
        pool = _MALE if k % 3 != 2 else _FEMALE
        if k % 4 == 3:  # one mixed pair in four
            a, b = _MALE[rng.integers(len(_MALE))], _FEMALE[rng.integers(len(_FEMALE))]
        else:
            i, j = rng.choice(len(pool), 2, replace=False)
            a, b = pool[i], pool[j]
        clips.append({"id": f"primock-x{k + 1:02d}-{source}", "split": "tune-extra", "source": source,
                      "start": int(rng.integers(30, 200)), "length": 55, "voices": {"DOCTOR": a, "PATIENT": b},
                      "roles": {"DOCTOR": "clinician", "PATIENT": "patient"},
                      "gains_db": {"PATIENT": int(rng.integers(-6, 7))},
                      "noise_snr_db": [None, 30, 20][k % 3], "telephone": k % 2 == 1})
    return clips


_BRIEF_VOICES = _MALE + _FEMALE


def _brief_run(utts: list[dict], speaker: str, rng: np.random.Generator) -> tuple[float, float] | None:
    """Times (from the clip start) of 1-4 consecutive utterances of ``speaker`` holding 5-15% of
    the clip's speech, drawn at random among the runs that qualify; ``None`` when no run does."""
    total = sum(u["end"] - u["start"] for u in utts)
    mine = [i for i, u in enumerate(utts) if u["speaker"] == speaker]
    runs = []
    for a in range(len(mine)):
        for b in range(a, min(a + 4, len(mine))):
            seconds = sum(utts[i]["end"] - utts[i]["start"] for i in mine[a: b + 1])
            if 0.05 * total <= seconds <= 0.15 * total:
                runs.append((utts[mine[a]]["start"], utts[mine[b]]["start"] + 1e-3))
    return runs[int(rng.integers(len(runs)))] if runs else None


def brief_tune_clips(src_dir: Path, n: int) -> list[dict]:
    """Tune clips with a third (or fourth) person who speaks briefly (D86): a nurse saying 1-4
    consecutive doctor utterances, or a relative saying 1-4 patient utterances, 5-15% of the
    speech each; every third clip has both.  Consultations after the 24 extra clips' first."""
    rng = np.random.default_rng(86)
    sources = sorted({p.name.rsplit("_", 1)[0] for p in src_dir.glob("*_doctor.TextGrid")} - _USED)
    clips = []
    for k in range(n):
        source = sources[(24 + k) % len(sources)]
        start = int(rng.integers(30, 200))
        utts = utterances(src_dir, source)
        first = next((u for u in utts if u["start"] >= start), utts[0])
        t0 = first["start"] - 0.5
        sel = [u for u in utts if t0 <= u["start"] < t0 + 55]
        picks = rng.choice(len(_BRIEF_VOICES), 4, replace=False)
        voices = dict(zip(("DOCTOR", "PATIENT", "NURSE", "RELATIVE"), (_BRIEF_VOICES[i] for i in picks)))
        extra = [("DOCTOR", "NURSE")] if k % 3 == 0 else [("PATIENT", "RELATIVE")] if k % 3 == 1 else [
            ("DOCTOR", "NURSE"), ("PATIENT", "RELATIVE")]
        reassign = []
        for frm, to in extra:
            run = _brief_run([dict(u, start=u["start"] - t0, end=u["end"] - t0) for u in sel], frm, rng)
            if run is not None:
                reassign.append({"from": frm, "to": to, "t0": run[0], "t1": run[1]})
        used = {"DOCTOR", "PATIENT"} | {r["to"] for r in reassign}
        clips.append({"id": f"primock-b{k + 1:02d}-{source}", "split": "tune-brief", "source": source,
                      "start": start, "length": 55, "voices": {s: v for s, v in voices.items() if s in used},
                      "roles": {s: r for s, r in {"DOCTOR": "clinician", "PATIENT": "patient", "NURSE": "clinician",
                                                 "RELATIVE": None}.items() if s in used},
                      "reassign": reassign, "gains_db": {s: int(rng.integers(-5, 6)) for s in sorted(used)},
                      "noise_snr_db": [None, 30, 20][k % 3], "telephone": k % 4 == 3})
    return clips


def asterisk_clips(root: Path) -> list[dict]:
    """Report clips with two REAL voices: Debian's asterisk-core-sounds-en-wav (Allison Smith)
    and -fr-wav (June Wallack), CC BY-SA 3.0, 8 kHz telephone prompts; ``root`` is where the
    .debs were unpacked (``dpkg-deb -x``).  Roles are null: the words are the prompts'."""
    snd, doc = root / "usr/share/asterisk/sounds", root / "usr/share/doc"
    en = ["recorded", str(snd / "en_US_f_Allison"), str(doc / "asterisk-core-sounds-en/core-sounds-en.txt.gz")]
    fr = ["recorded", str(snd / "fr_CA_f_June"), str(doc / "asterisk-core-sounds-fr/core-sounds-fr.txt.gz")]
    base = {"split": "report", "length": 55, "roles": {"DOCTOR": None, "PATIENT": None},
            "gains_db": {}, "noise_snr_db": 30, "telephone": True}
    return [{**base, "id": "realvoice-r4-day3c08-phone", "source": "day3_consultation08", "start": 60,
             "voices": {"DOCTOR": en, "PATIENT": fr}},
            {**base, "id": "realvoice-r5-day4c09-phone", "source": "day4_consultation09", "start": 90,
             "voices": {"DOCTOR": fr, "PATIENT": en}, "gains_db": {"PATIENT": -6}}]


_INTERVAL = re.compile(r'xmin = ([\d.]+)\s*\n\s*xmax = ([\d.]+)\s*\n\s*text = "((?:[^"]|"")*)"')


def read_textgrid(path: Path) -> list[tuple[float, float, str]]:
    """(start, end, text) of every non-empty interval of a one-tier Praat TextGrid."""
    out = []
    for a, b, text in _INTERVAL.findall(path.read_text(encoding="utf-8")):
        text = clean(text.replace('""', '"'))
        if text:
            out.append((float(a), float(b), text))
    return out


def clean(text: str) -> str:
    """Drop transcription tags; an utterance that was only unintelligible sound is dropped."""
    text = re.sub(r"</?UNSURE>", "", text)
    text = re.sub(r"<(?:UNIN|INAUDIBLE_SPEECH)/>", "", text)
    return re.sub(r"\s+", " ", text).strip(" ,")


def utterances(src_dir: Path, source: str) -> list[dict]:
    utts = []
    for label in ("doctor", "patient"):
        for s, e, text in read_textgrid(src_dir / f"{source}_{label}.TextGrid"):
            if re.search(r"[A-Za-z]", text):
                utts.append({"speaker": label.upper(), "start": s, "end": e, "text": text})
    return sorted(utts, key=lambda u: u["start"])


class RecordedVoice:
    """Real recorded prompts of one person (e.g. Debian's asterisk-core-sounds), used as a voice.

    For an utterance of duration D, prompts not yet used are laid end to end (0.2 s apart),
    longest that still fits first, until about D is filled; the words are the prompts' own
    transcripts, not the consultation's.
    """

    def __init__(self, folder: str, transcripts: str | None = None) -> None:
        self.clips: dict[str, np.ndarray] = {}
        for path in sorted(Path(folder).glob("*.wav")):
            with wave.open(str(path)) as w:
                sr, x = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
            y = trim(resample_poly(x.astype(np.float32) / 32768.0, SR // np.gcd(sr, SR), sr // np.gcd(sr, SR)))
            if 0.3 <= len(y) / SR <= 6.0:
                self.clips[path.stem] = y.astype(np.float32)
        self.text = {}
        if transcripts and Path(transcripts).exists():
            import gzip
            for line in gzip.open(transcripts, "rt", encoding="utf-8", errors="replace"):
                if ":" in line and not line.startswith(";"):
                    k, v = line.split(":", 1)
                    self.text[k.strip()] = v.strip()
        self.used: set[str] = set()

    def speak(self, duration: float) -> tuple[np.ndarray, str]:
        parts, words, left = [], [], max(duration, 0.3)
        while left > 0.25:
            free = sorted((len(y) / SR, k) for k, y in self.clips.items() if k not in self.used)
            fits = [(d, k) for d, k in free if d <= left + 0.15]
            d, k = fits[-1] if fits else free[0]
            self.used.add(k)
            parts += [self.clips[k], np.zeros(int(0.2 * SR), np.float32)]
            words.append(self.text.get(k, k))
            left -= d + 0.2
            if not fits:
                break
        return np.concatenate(parts[:-1]), " ".join(words)


def synth(voice: list[str], text: str, speed: float, tmp: str) -> np.ndarray:
    """Speak ``text``; float32 at 16 kHz, edge silence trimmed."""
    raw = os.path.join(tmp, "raw.wav")
    if voice[0] == "flite":
        args = [*voice[1:], "--setf", f"duration_stretch={1.0 / speed:.3f}"]
        subprocess.run(["flite", *args, "-t", text, "-o", raw], check=True, capture_output=True)
    else:
        args = list(voice)
        if "-s" in args:
            i = args.index("-s") + 1
            args[i] = str(int(round(int(args[i]) * speed)))
        else:
            args += ["-s", str(int(round(175 * speed)))]
        subprocess.run(["espeak-ng", *args, "-w", raw, "--", text], check=True, capture_output=True)
    with wave.open(raw) as w:
        sr, x = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    y = x.astype(np.float32) / 32768.0
    if sr != SR:
        g = np.gcd(sr, SR)
        y = resample_poly(y, SR // g, sr // g).astype(np.float32)
    return trim(y)


def trim(y: np.ndarray, rel_db: float = -40.0) -> np.ndarray:
    if len(y) == 0:
        return y
    frame = 160
    n = len(y) // frame
    if n == 0:
        return y
    e = 10 * np.log10(np.maximum((y[: n * frame].reshape(n, frame) ** 2).mean(1), 1e-12))
    on = np.flatnonzero(e > e.max() + rel_db)
    return y[on[0] * frame: (on[-1] + 1) * frame] if len(on) else y[:0]


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    white = rng.standard_normal(n)
    spec = np.fft.rfft(white)
    f = np.arange(len(spec), dtype=np.float64)
    f[0] = 1.0
    y = np.fft.irfft(spec / np.sqrt(f), n)
    return (y / np.sqrt((y ** 2).mean())).astype(np.float32)


def telephone(y: np.ndarray) -> np.ndarray:
    """300-3400 Hz band, 8 kHz, G.711 mu-law round trip; returned at 8 kHz."""
    sos = butter(6, [300, 3400], btype="bandpass", fs=SR, output="sos")
    y8 = resample_poly(sosfiltfilt(sos, y), 1, 2)
    mu = 255.0
    c = np.sign(y8) * np.log1p(mu * np.abs(np.clip(y8, -1, 1))) / np.log1p(mu)
    c = np.round(c * 127) / 127  # 8-bit code
    return (np.sign(c) * ((1 + mu) ** np.abs(c) - 1) / mu).astype(np.float32)


def assign_speakers(utts: list[dict], clip: dict, t0: float) -> None:
    for u in utts:
        for r in clip.get("reassign", []):
            if u["speaker"] == r["from"] and r["t0"] <= u["start"] - t0 < r["t1"]:
                u["speaker"] = r["to"]


def render(clip: dict, src_dir: Path, out_dir: Path) -> dict:
    utts = utterances(src_dir, clip["source"])
    first = next(u for u in utts if u["start"] >= clip["start"])
    t0 = first["start"] - 0.5
    sel = [dict(u) for u in utts if t0 <= u["start"] < t0 + clip["length"]]
    assign_speakers(sel, clip, t0)
    turns, pieces = [], []
    with tempfile.TemporaryDirectory() as tmp:
        recorded = {spk: RecordedVoice(*v[1:]) for spk, v in clip["voices"].items() if v[0] == "recorded"}
        for u in sel:
            real = u["end"] - u["start"]
            if u["speaker"] in recorded:
                y, u["text"] = recorded[u["speaker"]].speak(real)
            else:
                y = synth(clip["voices"][u["speaker"]], u["text"], 1.0, tmp)
            if u["speaker"] not in recorded and len(y) / SR > real and real > 0:
                y = synth(clip["voices"][u["speaker"]], u["text"], min(MAX_SPEEDUP, len(y) / SR / real), tmp)
            y = y / max(float(np.abs(y).max()), 1e-6) * 0.5 * 10 ** (clip["gains_db"].get(u["speaker"], 0) / 20)
            start = round(u["start"] - t0, 3)
            pieces.append((int(round(start * SR)), y))
            turns.append({"speaker": u["speaker"], "role": clip["roles"][u["speaker"]], "start": start,
                          "end": round(start + len(y) / SR, 3), "real_end": round(u["end"] - t0, 3),
                          "text": u["text"]})
    total = max(p + len(y) for p, y in pieces) + SR // 2
    mix = np.zeros(total, np.float32)
    for p, y in pieces:
        mix[p: p + len(y)] += y
    rng = np.random.default_rng(sum(map(ord, clip["id"])))
    if clip["noise_snr_db"] is not None:
        speech_rms = np.sqrt(np.mean(np.concatenate([y for _, y in pieces]) ** 2))
        mix += pink_noise(total, rng) * speech_rms * 10 ** (-clip["noise_snr_db"] / 20)
    sr = SR
    if clip["telephone"]:
        mix, sr = telephone(mix), 8000
    mix = np.clip(mix / max(1.0, float(np.abs(mix).max()) / 0.9), -1, 1)
    write_flac(out_dir / f"{clip['id']}.flac", mix, sr)
    (out_dir / f"{clip['id']}.rttm").write_text("".join(
        f"SPEAKER {clip['id']} 1 {t['start']:.3f} {t['end'] - t['start']:.3f} <NA> <NA> {t['speaker']} <NA> <NA>\n"
        for t in turns))
    meta = {k: clip[k] for k in ("id", "split", "source", "voices", "roles", "gains_db", "noise_snr_db", "telephone")}
    meta.update({"reassign": clip.get("reassign", []), "source_offset_s": round(t0, 3), "sample_rate": sr,
                 "duration": round(len(mix) / sr, 3), "audio": f"{clip['id']}.flac", "turns": turns,
                 "licence": "CC BY 4.0 (PriMock57 transcripts, Babylon Health); audio synthesised here"})
    (out_dir / f"{clip['id']}.json").write_text(json.dumps(meta, indent=1) + "\n")
    return meta


def write_flac(path: Path, y: np.ndarray, sr: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "x.wav")
        with wave.open(wav, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(sr)
            w.writeframes((y * 32767).astype(np.int16).tobytes())
        subprocess.run(["sox", wav, str(path)], check=True)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    src, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    clips = CLIPS
    if len(argv) > 3 and argv[2] == "--extra-tune":
        clips, argv = extra_tune_clips(src, int(argv[3])), argv[:2]
    elif len(argv) > 3 and argv[2] == "--brief-tune":
        clips, argv = brief_tune_clips(src, int(argv[3])), argv[:2]
    elif len(argv) > 3 and argv[2] == "--asterisk":
        clips, argv = asterisk_clips(Path(argv[3])), argv[:2]
    only = set(argv[2].split(",")) if len(argv) > 2 else None
    for clip in clips:
        if only and clip["id"] not in only:
            continue
        m = render(clip, src, out)
        spk = sorted({t["speaker"] for t in m["turns"]})
        short = sum(t["end"] - t["start"] < 1.0 for t in m["turns"])
        print(f"{m['id']}: {m['duration']} s, {len(m['turns'])} turns ({short} under 1 s), speakers {spk}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
