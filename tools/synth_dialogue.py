#!/usr/bin/env python3
"""Synthesize a scripted multi-speaker clinical dialogue with espeak-ng (or flite) + sox.

Source: the project's shared materials (shared/tools/synth_dialogue.py, handed to the
MediSync team with the dev dialogues; no separate licence stated), copied here so the repo
stands alone.  Local changes,
marked "MediSync:" below: a voice whose first argument is "flite" is spoken by flite
(`["flite", "-voice", "slt", "--setf", "duration_stretch=1.1"]`), and `--flac` writes the
dialogue as lossless FLAC (same samples, about half the bytes) instead of WAV.

Usage:  python synth_dialogue.py [--flac] SPEC.json OUT_DIR
Writes OUT_DIR/<id>.wav (16 kHz mono 16-bit PCM; <id>.flac with --flac) and OUT_DIR/<id>.truth.json.
Python 3 stdlib only; needs the `espeak-ng` and `sox` binaries on PATH (and `flite` for flite voices).

SPEC.json is one object:
  id         str, file stem, e.g. "dev-01-diabetes"
  voices     {label: [espeak-ng args]}, e.g. {"DOCTOR": ["-v", "en-us+m3", "-p", "40", "-s", "150"]}
  roles      {label: "clinician" | "patient" | "other"}, same labels as `voices`
  turns      [{"speaker": label, "text": str}, ...], spoken in order, text read verbatim
             (write numbers as words, the way they are said)
  gaps       [seconds, ...], silence between consecutive turns, len(turns) - 1 values
  lead, tail optional seconds of silence before the first / after the last turn (default 0.5)
  expected   facts a good SOAP note must contain, copied through unchanged:
             chief_complaint: str; symptoms: [{name, present: bool, duration: str|null}];
             vitals: {bp_systolic, bp_diastolic, heart_rate, temperature_c, spo2,
                      respiratory_rate, weight_kg} (number|null);
             medications: [{name, dose, frequency, status: active|new|stopped|changed}];
             allergies: [{substance, reaction|null}]; diagnoses: [{name, icd10}];
             orders: [{kind: lab|imaging|referral|procedure, name}]; follow_up: str|null
  Any other top-level key (e.g. "title") is copied through as well.

<id>.truth.json is the spec with each turn extended to {index, speaker, role, start, end, text}
(start/end in seconds, 3 decimals, on the output file) plus "audio", "sample_rate",
"duration" and "tools" (espeak-ng / sox versions). Every turn is trimmed of its own leading and
trailing silence, so start/end bound the speech tightly. The output is deterministic: timings
come from exact sample counts and sox runs without dither.
"""
import json, os, re, subprocess, sys, tempfile, wave

SR = 16000
ROLES = {"clinician", "patient", "other"}
EXPECTED_KEYS = ["chief_complaint", "symptoms", "vitals", "medications", "allergies",
                 "diagnoses", "orders", "follow_up"]
VITALS = ["bp_systolic", "bp_diastolic", "heart_rate", "temperature_c", "spo2", "respiratory_rate",
          "weight_kg"]


def validate(spec):
    for k in ("id", "voices", "roles", "turns", "gaps", "expected"):
        if k not in spec:
            sys.exit(f"spec: missing key {k!r}")
    if set(spec["voices"]) != set(spec["roles"]):
        sys.exit("spec: 'voices' and 'roles' must have the same speaker labels")
    if not all(isinstance(a, list) and all(isinstance(x, str) for x in a) for a in spec["voices"].values()):
        sys.exit("spec: each voice must be a list of espeak-ng argument strings")
    bad = set(spec["roles"].values()) - ROLES
    if bad:
        sys.exit(f"spec: unknown role(s) {sorted(bad)}; use one of {sorted(ROLES)}")
    for i, t in enumerate(spec["turns"]):
        if t.get("speaker") not in spec["voices"] or not str(t.get("text", "")).strip():
            sys.exit(f"spec: turn {i} needs a known 'speaker' and non-empty 'text'")
    if len(spec["gaps"]) != len(spec["turns"]) - 1 or any(g < 0 for g in spec["gaps"]):
        sys.exit(f"spec: need {len(spec['turns']) - 1} non-negative gaps, got {len(spec['gaps'])}")
    missing = [k for k in EXPECTED_KEYS if k not in spec["expected"]]
    missing += [f"vitals.{k}" for k in VITALS if k not in (spec["expected"].get("vitals") or {})]
    if missing:
        sys.exit(f"spec: expected block lacks {missing}")


def silence(seconds):
    return b"\x00\x00" * round(seconds * SR)


def synth_turn(args, text, tmp):
    """espeak-ng -> sox (peak -3 dBFS, 16 kHz mono 16-bit, no dither, edge silence trimmed) -> PCM."""
    raw, out = os.path.join(tmp, "raw.wav"), os.path.join(tmp, "turn.wav")
    if args and args[0] == "flite":  # MediSync: flite voices
        subprocess.run(["flite", *args[1:], "-t", text, "-o", raw], check=True)
    else:
        subprocess.run(["espeak-ng", *args, "-w", raw, "--", text], check=True)
    trim = ["silence", "1", "0.02", "0.2%"]
    subprocess.run(["sox", "-D", raw, "-r", str(SR), "-c", "1", "-b", "16", out, "gain", "-n", "-3",
                    "rate", str(SR), *trim, "reverse", *trim, "reverse"], check=True)
    with wave.open(out, "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SR)
        return w.readframes(w.getnframes())


def version(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    m = re.search(r"\d+(\.\d+)+", out)
    return m.group(0) if m else None


def tool_versions(spec):
    tools = {"espeak-ng": version(["espeak-ng", "--version"]), "sox": version(["sox", "--version"])}
    if any(v and v[0] == "flite" for v in spec["voices"].values()):  # MediSync
        tools["flite"] = version(["flite", "--version"])
    return tools


def dumps(obj):
    """json.dumps(indent=1), with lists of scalars (voice args, gaps) kept on one line."""
    text = json.dumps(obj, indent=1, ensure_ascii=False)
    return re.sub(r"\[\s*\n([^\[\]{}]*?)\n\s*\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",\n")) + "]", text)


def main():
    argv = sys.argv[1:]
    flac = "--flac" in argv  # MediSync: lossless FLAC output
    argv = [a for a in argv if a != "--flac"]
    if len(argv) != 2:
        sys.exit(__doc__)
    spec_path, out_dir = argv
    with open(spec_path) as f:
        spec = json.load(f)
    validate(spec)
    os.makedirs(out_dir, exist_ok=True)

    pcm = bytearray(silence(spec.get("lead", 0.5)))
    turns = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, t in enumerate(spec["turns"]):
            if i:
                pcm += silence(spec["gaps"][i - 1])
            start = len(pcm) // 2
            pcm += synth_turn(spec["voices"][t["speaker"]], t["text"], tmp)
            turns.append({"index": i, "speaker": t["speaker"], "role": spec["roles"][t["speaker"]],
                          "start": round(start / SR, 3), "end": round(len(pcm) // 2 / SR, 3),
                          "text": t["text"]})
    pcm += silence(spec.get("tail", 0.5))

    wav_path = os.path.join(out_dir, spec["id"] + ".wav")
    with wave.open(wav_path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(bytes(pcm))
    if flac:  # MediSync: same samples, lossless, about half the bytes
        flac_path = wav_path[:-4] + ".flac"
        subprocess.run(["sox", "-D", wav_path, flac_path], check=True)
        os.unlink(wav_path)
        wav_path = flac_path

    truth = dict(spec, turns=turns, audio=os.path.basename(wav_path), sample_rate=SR,
                 duration=round(len(pcm) // 2 / SR, 3),
                 tools=tool_versions(spec))
    with open(os.path.join(out_dir, spec["id"] + ".truth.json"), "w") as f:
        f.write(dumps(truth) + "\n")
    print(f"{spec['id']}: {truth['duration']:.2f} s, {len(turns)} turns, "
          f"{len(spec['voices'])} speakers -> {wav_path}")


if __name__ == "__main__":
    main()
