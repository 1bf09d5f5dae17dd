"""Diarization and role floors on every kind of recording, from the default ASR's recorded words.

The words the default ASR (base, beam 5, VAD) produced for each fixture are stored in
``tests/fixtures/asr_words`` (``tools/cache_asr_words.py``); they are replayed into the real
``SpeechTranscriber`` with the real diarizer (numpy resemblyzer encoder, clustering,
resegmentation) and the real role rules, so these floors cover everything after ASR in
seconds.  Floors, not timings; figures in docs/ml-speech.md ("Diarization on re-voiced
real turn-taking").  Needs PyAV and the resemblyzer weights (``ml`` extra); skipped otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("av")

from medisync.ml.asr.whisper import AsrResult, AsrSegment, AsrWord  # noqa: E402
from medisync.ml.diarization.encoder import default_checkpoint_path  # noqa: E402
from medisync.ml.diarization.metrics import diarization_error, read_rttm  # noqa: E402

pytestmark = pytest.mark.ml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


class ReplayASR:
    """The recorded words of one fixture, in ``WhisperASR``'s shape."""

    def __init__(self, words_json: Path) -> None:
        self.d = json.loads(words_json.read_text())

    def load(self) -> "ReplayASR":
        return self

    def transcribe(self, audio_path: str) -> AsrResult:
        d = self.d
        segs = [AsrSegment(s["start"], s["end"], s["text"], [AsrWord(**w) for w in s["words"]])
                for s in d["segments"]]
        return AsrResult(d["language"], d["duration_s"], segs, d["model_name"], d["model_version"])


def reference(file_id: str) -> tuple[str, list[tuple[float, float, str]], list[dict]]:
    """(audio path, reference segments, reference turns with roles) of a fixture."""
    if file_id.startswith(("primock-", "realvoice-")):
        meta = json.loads((FIXTURES / "primock" / f"{file_id}.json").read_text())
        ref = read_rttm(str(FIXTURES / "primock" / f"{file_id}.rttm"))
        return str(FIXTURES / "primock" / meta["audio"]), ref, meta["turns"]
    if file_id.startswith("real-"):
        ref = read_rttm(str(FIXTURES / "real" / f"{file_id}.rttm"))
        return str(FIXTURES / "real" / f"{file_id}.wav"), ref, []
    folder = FIXTURES / "heldout" if file_id.startswith(("heldout-", "tune-")) else FIXTURES
    truth = json.loads((folder / f"{file_id}.truth.json").read_text())
    audio = folder / (truth.get("audio") or f"{file_id}.wav")
    return str(audio), [(t["start"], t["end"], t["speaker"]) for t in truth["turns"]], truth["turns"]


def merged_turns(segments: list[dict], max_gap: float = 1.0) -> list[tuple[float, float, str]]:
    out: list[list] = []
    for s in segments:
        if out and out[-1][2] == s["speaker"] and s["start"] - out[-1][1] < max_gap:
            out[-1][1] = max(out[-1][1], s["end"])
        else:
            out.append([s["start"], s["end"], s["speaker"]])
    return [tuple(x) for x in out]


def role_seconds(segments: list[dict], turns: list[dict]) -> float:
    """Duration-weighted role accuracy over reference turns that have a role, by side
    (``roles.side``: ``other``, someone speaking for the patient, is the patient side; D83)."""
    from medisync.ml.diarization.roles import side

    ok = tot = 0.0
    for s in segments:
        for t in turns:
            ov = min(s["end"], t["end"]) - max(s["start"], t["start"])
            if ov > 0 and t.get("role"):
                tot += ov
                ok += ov * (side(s["role"]) == side(t["role"]))
    return ok / tot


def run(file_id: str) -> tuple[dict, list[tuple[float, float, str]], list[dict]]:
    try:
        default_checkpoint_path()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    from medisync.ml.transcription import SpeechTranscriber

    audio, ref, turns = reference(file_id)
    out = SpeechTranscriber(asr=ReplayASR(FIXTURES / "asr_words" / f"{file_id}.json")).transcribe(audio)
    return out, ref, turns


# (fixture, true speaker count, DER ceiling, duration-weighted role floor or None).
# Ceilings sit a few points above what was measured (docs/ml-speech.md), never at it.
CASES = [
    ("primock-t1-day1c02", 2, 0.05, 0.90),        # measured DER 0.0%, roles 97.8%
    ("primock-t2-day2c03-phone", 2, 0.15, 0.80),  # 8.6%, 90.5%: two male voices, telephone, -6 dB
    ("primock-t3-day3c05-nurse", 4, 0.10, 0.90),  # 6.2%, 96.2%: nurse + relative, 4 speakers (2.5% before D65)
    ("primock-r1-day4c04", 2, 0.05, 0.90),        # 2.4%, 95.6%: two male voices (report split)
    ("primock-r3-day2c06-family", 3, 0.06, 0.90),  # 2.6%, 94.8%: relative, 3 speakers (report split)
    ("dev-07-hypertension", 2, 0.03, 0.95),       # 0.2%, 100%
    ("heldout-02-copd", 3, 0.03, 0.95),           # 0.0%, 100% (held-out: asserted, never tuned on)
    # D90 (split readings, chosen on tune): doctor and patient were one cluster, 2 speakers, DER 28.2%,
    # roles 54.5%; held-out, run once after the choice, but D90 set out to mend this very merge (known
    # from earlier reports), so this is a regression guard, not evidence that D90 generalises
    ("heldout-01-afib", 3, 0.03, 0.95),           # 0.0%, 100%
    ("real-dev-sonnet-podcast", 2, 0.08, None),   # 3.8%
    # D79 (split agreement): one speaker before, 46.1% DER; report split, asserted only.  realvoice-r4
    # (now 2 speakers, 7.1%) is not asserted: its agreement, 0.566, is too close to the 0.55 bar for a floor.
    ("primock-r2-day4c07-phone", 2, 0.08, None),  # 3.0%, agreement 0.72 (bar 0.55): two female voices, telephone (roles: below)
]


@pytest.mark.parametrize("file_id,n_true,der_max,roles_min", CASES, ids=[c[0] for c in CASES])
def test_speaker_count_der_and_roles(file_id, n_true, der_max, roles_min):
    out, ref, turns = run(file_id)
    assert len({s["speaker"] for s in out["segments"]}) == n_true
    der = diarization_error(ref, merged_turns(out["segments"]), collar=0.25)
    assert der.der <= der_max
    if roles_min is not None:
        assert role_seconds(out["segments"], turns) >= roles_min


def test_backchannels_keep_their_speaker():
    """Real short turns ("OK.", "Did it help?") under a second keep their speaker: a floor only.

    Measured 2 of 5 on this clip (4 of 11 over the three tune clips): the goal ("never
    swallowed") is NOT met.  Of the three lost here, one "OK." overlaps the patient and
    Whisper never wrote it; two follow or precede the other speaker with no pause, and
    every embedding window covering them is mostly the other voice (docs/ml-speech.md).
    """
    out, ref, _ = run("primock-t1-day1c02")
    hyp = merged_turns(out["segments"], max_gap=0.0)
    # map each output speaker to the reference speaker it overlaps most
    overlap: dict[tuple[str, str], float] = {}
    for hs, he, hspk in hyp:
        for rs, re_, rspk in ref:
            overlap[(hspk, rspk)] = overlap.get((hspk, rspk), 0.0) + max(0.0, min(he, re_) - max(hs, rs))
    best = {h: max((r for (h2, r) in overlap if h2 == h), key=lambda r: overlap[(h, r)]) for h, _ in overlap}
    short = [r for r in ref if r[1] - r[0] < 1.0]
    right = 0
    for rs, re_, rspk in short:
        covering = [(min(he, re_) - max(hs, rs), h) for hs, he, h in hyp if min(he, re_) > max(hs, rs)]
        right += bool(covering) and best[max(covering)[1]] == rspk
    assert len(short) >= 4
    assert right / len(short) >= 0.4


def test_a_mother_speaking_for_her_child_is_the_patient_side():
    """tune-01: the mother (reference ``other``) and the child are one cluster (the child's 1.5 s turn
    is below the minimum cluster), called ``patient``: right by side (issue 13, D83); measured 100%
    (76.2% when ``other`` had to match exactly)."""
    out, _, turns = run("tune-01-otitis")
    assert role_seconds(out["segments"], turns) >= 0.95


@pytest.mark.xfail(strict=True, reason="known limit (docs/ml-speech.md, D79): r2's two voices are told apart "
                   "now (DER 3.0%), but the role rules call the doctor the patient and back (roles 1%; "
                   "unchanged by D83's grammatical person, which fixed every swap on the tune windows)")
def test_roles_of_two_similar_voices_over_the_phone():
    out, _, turns = run("primock-r2-day4c07-phone")
    assert role_seconds(out["segments"], turns) >= 0.8


@pytest.mark.xfail(strict=True, reason="known limit (docs/ml-speech.md, D79): realvoice-r5's two real women "
                   "over the phone still come out as one speaker (their split's agreement is under 0.55)")
def test_two_real_voices_over_the_phone_are_two_speakers():
    out, _, _ = run("realvoice-r5-day4c09-phone")
    assert len({s["speaker"] for s in out["segments"]}) == 2
