import wave

import numpy as np
import pytest

from medisync.ml.diarization import Diarizer, Span
from medisync.ml.diarization.metrics import diarization_error
from medisync.ml.diarization.resemblyzer_backend import (
    ResemblyzerDiarizer,
    energy_regions,
    spans_to_regions,
)

pytest.importorskip("av")


def test_spans_to_regions_merges_small_gaps():
    spans = [(0.0, 0.4), (0.5, 0.9), (1.5, 2.0), (2.1, 2.1)]
    assert spans_to_regions(spans, 0.3) == [(0.0, 0.9), (1.5, 2.12)]
    assert spans_to_regions([], 0.3) == []


def test_energy_regions():
    e = np.full(1000, 1e-9)
    e[100:300] = 1.0
    e[305:320] = 1.0  # 50 ms gap gets closed
    e[600:610] = 1.0  # 100 ms burst is dropped
    regions = energy_regions(e)
    assert len(regions) == 1
    assert regions[0] == pytest.approx((1.0, 3.2))


def test_viterbi_keeps_long_turns_and_removes_short_flips():
    d = ResemblyzerDiarizer(switch_penalty=0.3, free_switch_gap_s=0.6)
    # 10 words of A, one noisy word that looks like B without a pause, then B after a pause
    scores = np.array([[0.8, 0.5]] * 10 + [[0.55, 0.6]] + [[0.8, 0.5]] * 3 + [[0.4, 0.8]] * 6)
    gaps = np.zeros(len(scores))
    gaps[14] = 0.8
    labels = d._viterbi(scores, gaps, np.full(len(scores), 0.3))
    assert list(labels) == [0] * 14 + [1] * 6
    # a one-word answer after a pause survives ("No.")
    scores = np.array([[0.8, 0.4]] * 5 + [[0.45, 0.7]] + [[0.8, 0.4]] * 5)
    gaps = np.zeros(len(scores))
    gaps[5] = gaps[6] = 0.7
    assert list(d._viterbi(scores, gaps, np.full(len(scores), 0.3))) == [0] * 5 + [1] + [0] * 5


class ToneEncoder:
    """Stand-in for the speaker encoder: the embedding is the mean mel profile."""

    blas_threads = None

    def embed(self, mels):
        prof = np.zeros((len(mels), 256))
        prof[:, :40] = mels.mean(axis=1)
        return (prof / np.linalg.norm(prof, axis=1, keepdims=True)).astype(np.float32)


def write_two_voice_wav(path, turns, sr=16000):
    total = max(e for _, e, _ in turns) + 0.5
    sig = np.zeros(int(total * sr), dtype=np.float32)
    rng = np.random.default_rng(0)
    for s, e, spk in turns:
        t = np.arange(int((e - s) * sr)) / sr
        f = 300.0 if spk == "A" else 2500.0
        sig[int(s * sr): int(s * sr) + len(t)] = 0.3 * np.sin(2 * np.pi * f * t) + 0.01 * rng.normal(size=len(t))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes((np.clip(sig, -1, 1) * 32767).astype("<i2").tobytes())


TURNS = [(0.5, 8.0, "A"), (8.6, 14.0, "B"), (14.7, 15.6, "A"), (16.2, 24.0, "B"), (24.6, 31.0, "A")]


def words_of(turns, step=0.4):
    out = []
    for s, e, _ in turns:
        t = s
        while t < e - 0.05:
            out.append(Span(t, min(e, t + 0.3)))
            t += step
    return out


def test_diarize_pipeline_with_stand_in_encoder(tmp_path):
    path = tmp_path / "two.wav"
    write_two_voice_wav(path, TURNS)
    d = ResemblyzerDiarizer()
    d._encoder = ToneEncoder()
    assert isinstance(d, Diarizer)
    spans = words_of(TURNS)
    r = d.diarize(str(path), spans)
    assert r.n_speakers == 2
    assert len(r.span_speakers) == len(spans)
    hyp = [(t.start, t.end, t.speaker) for t in r.turns]
    assert diarization_error(TURNS, hyp).der < 0.02
    # without word spans the energy detector finds the speech itself
    r2 = d.diarize(str(path))
    assert r2.n_speakers == 2
    assert diarization_error(TURNS, [(t.start, t.end, t.speaker) for t in r2.turns]).der < 0.05


def test_diarize_single_speaker(tmp_path):
    turns = [(s, e, "A") for s, e, _ in TURNS]
    path = tmp_path / "one.wav"
    write_two_voice_wav(path, turns)
    d = ResemblyzerDiarizer()
    d._encoder = ToneEncoder()
    r = d.diarize(str(path), words_of(turns))
    assert r.n_speakers == 1
    assert set(r.span_speakers) == {0}


def test_detect_pauses_and_snap_words():
    from medisync.ml.diarization.resemblyzer_backend import detect_pauses, snap_to_pauses

    e = np.full(1000, 1.0)
    e[200:240] = 1e-6  # 0.40 s pause at 2.0-2.4 s (4% of the frames)
    e[500:505] = 1e-6  # 50 ms dip: not a pause
    pauses = detect_pauses(e)
    assert pauses == [pytest.approx((2.0, 2.4))]
    assert detect_pauses(np.full(100, 0.5)) == []  # no dynamic range
    words = [(1.5, 2.1), (2.2, 2.8), (2.05, 2.3), (3.0, 3.5)]
    snapped = snap_to_pauses(words, pauses)
    assert snapped[0] == pytest.approx((1.5, 2.0))  # end pulled back to the pause start
    assert snapped[1] == pytest.approx((2.4, 2.8))  # start pushed to the pause end
    assert snapped[2] == (2.05, 2.3)  # entirely inside the pause: untouched
    assert snapped[3] == (3.0, 3.5)


def test_subtract_pauses_and_pause_overlap():
    from medisync.ml.diarization.resemblyzer_backend import pause_overlap, subtract_pauses

    regions = [(0.0, 5.0), (6.0, 8.0)]
    pauses = [(1.0, 1.5), (4.9, 6.2), (7.0, 7.02)]
    assert subtract_pauses(regions, pauses) == [(0.0, 1.0), (1.5, 4.9), (6.2, 7.0), (7.02, 8.0)]
    assert subtract_pauses(regions, []) == regions
    ov = pause_overlap(np.array([0.5, 2.0, 4.0]), np.array([1.2, 3.0, 6.0]), pauses)
    np.testing.assert_allclose(ov, [0.2, 0.0, 1.1])


def test_word_stretched_over_a_pause_keeps_one_side():
    from medisync.ml.diarization.resemblyzer_backend import snap_to_pauses

    pauses = [(7.2, 8.0)]
    # "...readings been... Not great": "been" stretched from 6.96 over the pause to 8.22
    words = [(6.5, 6.96), (6.96, 8.22), (8.22, 8.5)]
    assert snap_to_pauses(words, pauses)[1] == pytest.approx((6.96, 7.2))
    # a reply's first word that reaches back over the pause (only the next word touches it)
    words = [(6.0, 6.5), (6.9, 8.3), (8.3, 8.6)]
    assert snap_to_pauses(words, pauses)[1] == pytest.approx((8.0, 8.3))


def test_misplaced_word_joins_its_own_sentence():
    from medisync.ml.diarization.resemblyzer_backend import snap_to_pauses

    pauses = [(55.85, 56.8)]
    # "...not working?" | "It is working" where Whisper put "It" inside the pause
    words = [(55.4, 55.86), (55.86, 55.92), (56.86, 57.1)]
    assert snap_to_pauses(words, pauses)[1] == (55.86, 55.92)  # no sentence info: untouched
    snapped = snap_to_pauses(words, pauses, groups=[0, 1, 1])
    assert snapped[1][0] == pytest.approx(56.8)
    # "...bring your log with | you." stretched to the next turn's start: sentence decides
    pauses = [(87.02, 87.62)]
    words = [(86.5, 86.96), (86.96, 87.62), (87.62, 87.8)]
    assert snap_to_pauses(words, pauses, groups=[5, 5, 6])[1] == pytest.approx((86.96, 87.02))


def test_phrase_edges_extend_to_the_pause():
    from medisync.ml.diarization.resemblyzer_backend import snap_to_pauses

    pauses = [(5.53, 6.13)]
    words = [(4.9, 5.40), (6.30, 6.6), (6.6, 6.9)]
    snapped = snap_to_pauses(words, pauses)
    assert snapped[0] == pytest.approx((4.9, 5.53))
    assert snapped[1] == pytest.approx((6.13, 6.6))
    assert snapped[2] == (6.6, 6.9)
    # too far from the pause: left alone
    assert snap_to_pauses([(4.0, 5.0)], pauses) == [(4.0, 5.0)]
