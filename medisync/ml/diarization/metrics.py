"""Diarization error rate (md-eval style, frame based) and RTTM helpers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

import numpy as np

Segment = tuple[float, float, Hashable]  # (start, end, speaker)


@dataclass(frozen=True)
class DerResult:
    missed: float  # seconds
    false_alarm: float
    confusion: float
    total: float  # scored reference speech, seconds
    mapping: dict

    @property
    def der(self) -> float:
        if self.total <= 0:
            return 0.0
        return (self.missed + self.false_alarm + self.confusion) / self.total


def read_rttm(path: str) -> list[Segment]:
    out: list[Segment] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 8 and parts[0] == "SPEAKER":
                start, dur = float(parts[3]), float(parts[4])
                out.append((start, start + dur, parts[7]))
    return out


def _activity(segments: Sequence[Segment], speakers: list, n: int, step: float) -> np.ndarray:
    act = np.zeros((len(speakers), n), dtype=bool)
    index = {s: i for i, s in enumerate(speakers)}
    for s, e, spk in segments:
        a, b = int(round(s / step)), int(round(e / step))
        act[index[spk], max(0, a): max(0, min(n, b))] = True
    return act


def _best_mapping(overlap: np.ndarray) -> list[tuple[int, int]]:
    """Assignment maximising total overlap (ref x hyp matrix)."""
    nr, nh = overlap.shape
    if nr == 0 or nh == 0:
        return []
    if min(nr, nh) <= 7 and max(nr, nh) <= 8:
        best, best_pairs = -1.0, []
        if nr <= nh:
            for perm in itertools.permutations(range(nh), nr):
                v = sum(overlap[i, perm[i]] for i in range(nr))
                if v > best:
                    best, best_pairs = v, [(i, perm[i]) for i in range(nr)]
        else:
            for perm in itertools.permutations(range(nr), nh):
                v = sum(overlap[perm[j], j] for j in range(nh))
                if v > best:
                    best, best_pairs = v, [(perm[j], j) for j in range(nh)]
        return best_pairs
    # greedy for large speaker sets
    pairs, used_r, used_h = [], set(), set()
    for flat in np.argsort(-overlap, axis=None):
        r, h = divmod(int(flat), nh)
        if r not in used_r and h not in used_h and overlap[r, h] > 0:
            pairs.append((r, h))
            used_r.add(r)
            used_h.add(h)
    return pairs


def diarization_error(
    reference: Iterable[Segment],
    hypothesis: Iterable[Segment],
    collar: float = 0.25,
    step: float = 0.01,
) -> DerResult:
    """DER with a no-score ``collar`` (seconds) on each side of every reference boundary."""
    ref, hyp = list(reference), list(hypothesis)
    end = max([e for _, e, _ in ref] + [e for _, e, _ in hyp] + [0.0])
    n = int(np.ceil(end / step)) + 1
    ref_spk = sorted({s for _, _, s in ref}, key=str)
    hyp_spk = sorted({s for _, _, s in hyp}, key=str)
    R = _activity(ref, ref_spk, n, step)
    H = _activity(hyp, hyp_spk, n, step)

    scored = np.ones(n, dtype=bool)
    if collar > 0:
        c = int(round(collar / step))
        for s, e, _ in ref:
            for t in (s, e):
                k = int(round(t / step))
                scored[max(0, k - c): k + c] = False

    Rs, Hs = R[:, scored], H[:, scored]
    overlap = Rs.astype(np.int64) @ Hs.T.astype(np.int64) if len(ref_spk) and len(hyp_spk) else np.zeros((len(ref_spk), len(hyp_spk)))
    pairs = _best_mapping(np.asarray(overlap, dtype=float))
    n_ref = Rs.sum(0)
    n_hyp = Hs.sum(0)
    correct = np.zeros(Rs.shape[1], dtype=np.int64)
    for r, h in pairs:
        correct += Rs[r] & Hs[h]
    missed = np.maximum(0, n_ref - n_hyp).sum() * step
    fa = np.maximum(0, n_hyp - n_ref).sum() * step
    conf = (np.minimum(n_ref, n_hyp) - correct).sum() * step
    mapping = {ref_spk[r]: hyp_spk[h] for r, h in pairs}
    return DerResult(float(missed), float(fa), float(conf), float(n_ref.sum() * step), mapping)
