"""Default diarization backend: resemblyzer encoder (numpy) + AHC + resegmentation.

Recipe
------
1. Stream the audio (PyAV, 30 s chunks) through the mel front end; only the
   40-band mel frames are kept (57 MB per hour of audio).
2. Word timestamps are checked against an energy pause detector on the mel
   frames (:func:`snap_to_pauses`): edges inside a pause move to its edge, a
   word stretched over a long pause keeps one side (its sentence decides),
   phrase edges reach the pause.  Speech regions: the words merged across
   gaps shorter than ``split_gap_s`` (or, without words, an energy
   detector), then cut at pauses of ``region_pause_s`` so that an embedding
   window rarely straddles a turn change.
3. Windows of ``window_s`` with hop ``hop_s`` inside each region (a region
   shorter than a window gets one window of its own length); embeddings from
   the numpy encoder, batched by window length.
4. :func:`~.clustering.cluster_speakers` on region-level points (the mean
   of up to ``region_windows`` consecutive windows of one speech region,
   :mod:`.regions`): AHC with a distance threshold, tiny clusters folded
   away, count clamped to 1..4, near-identical centroids merged (two clusters
   that each hold >= 4 s in points of a full window or more only at 0.87:
   a briefly speaking nurse or relative, D86), k-means refinement.
5. Resegmentation: every word (or 100 ms frame) is scored against each
   speaker centroid through the windows covering it, then a Viterbi pass
   picks the label sequence with a switch penalty that is high inside
   continuous speech and low across pauses (this removes short flips while
   keeping genuine short turns such as "No, none.").
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import DiarizationResult, Span, SpeakerTurn
from .audio import iter_audio
from .clustering import (ClusteringResult, cluster_speakers, min_cluster_mass, reproducible_split,
                         split_in_two)
from .encoder import HOP, SAMPLE_RATE, MelFrontEnd, SpeakerEncoder, blas_threads
from .regions import pool_by_region, region_of_windows

FPS = SAMPLE_RATE // HOP  # mel frames per second (100)


@dataclass(frozen=True)
class _Window:
    start: int  # frame index (inclusive)
    end: int  # frame index (exclusive)


def spans_to_regions(spans: Sequence[tuple[float, float]], split_gap_s: float) -> list[tuple[float, float]]:
    """Merge time-sorted spans whose gap is below ``split_gap_s``."""
    regions: list[list[float]] = []
    for s, e in sorted((float(a), float(b)) for a, b in spans):
        if e <= s:
            e = s + 0.02
        if regions and s - regions[-1][1] < split_gap_s:
            regions[-1][1] = max(regions[-1][1], e)
        else:
            regions.append([s, e])
    return [(a, b) for a, b in regions]


def energy_regions(frame_energy: np.ndarray, min_speech_s: float = 0.25, min_gap_s: float = 0.3,
                   rel_db: float = 25.0) -> list[tuple[float, float]]:
    """Fallback speech detector on mel-frame energy (used without ASR words)."""
    if len(frame_energy) == 0:
        return []
    db = 10 * np.log10(np.maximum(frame_energy, 1e-12))
    floor = np.percentile(db, 10)
    peak = np.percentile(db, 95)
    thr = max(floor + 0.35 * (peak - floor), peak - rel_db)
    mask = db > thr
    # close small gaps, then drop short bursts
    idx = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    runs = list(zip(idx[0::2], idx[1::2]))
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] < min_gap_s * FPS:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a / FPS, b / FPS) for a, b in merged if b - a >= min_speech_s * FPS]


def detect_pauses(frame_energy: np.ndarray, min_pause_s: float = 0.15,
                  rel: float = 0.25) -> list[tuple[float, float]]:
    """Silent stretches (seconds) from mel-frame energy.

    The threshold sits ``rel`` of the way from the noise floor (2nd
    percentile, in dB) to the loud speech level (95th percentile).
    """
    if len(frame_energy) == 0:
        return []
    db = 10 * np.log10(np.maximum(frame_energy, 1e-12))
    floor, loud = np.percentile(db, 2), np.percentile(db, 95)
    if loud - floor < 10:  # no usable dynamic range (constant noise or constant speech)
        return []
    silent = db < floor + rel * (loud - floor)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], silent.astype(np.int8), [0]])))
    min_len = int(round(min_pause_s * FPS))
    return [(a / FPS, b / FPS) for a, b in zip(edges[0::2], edges[1::2]) if b - a >= min_len]


def snap_to_pauses(spans: list[tuple[float, float]], pauses: list[tuple[float, float]],
                   inner_pause_s: float = 0.3, groups: Sequence[int | None] | None = None,
                   max_extend_s: float = 0.3) -> list[tuple[float, float]]:
    """Fix word spans against detected pauses (spans in transcript order).

    Whisper's word timestamps drift by 0.1-0.3 s around pauses (a reply's
    first word often "starts" in the silence before it, and the last word
    before a silence is often stretched over it); audio energy knows better.
    ``groups`` (the ASR segment of each word, optional) says which side of a
    pause a misplaced word belongs to.

    * a word edge inside a pause moves to the pause's edge;
    * a word spanning a pause of ``inner_pause_s`` or more keeps one side of
      it: the side of the neighbouring word of the same segment, else the side
      of the neighbour it touches, else the left one;
    * a word lying entirely inside a pause joins the neighbour of its own
      segment (if exactly one neighbour shares it), else stays;
    * the last word before a pause (first word after one) is extended to the
      pause if it stops short of it by at most ``max_extend_s``.
    """
    if not pauses:
        return list(spans)
    index = _Pauses(np.array([p[0] for p in pauses]), np.array([p[1] for p in pauses]))
    grp = list(groups) if groups is not None else [None] * len(spans)
    out = [_snap_word(spans, grp, n, index, inner_pause_s, groups is not None) for n in range(len(spans))]
    _reach_pauses(out, index, max_extend_s)
    return out


@dataclass(frozen=True)
class _Pauses:
    starts: np.ndarray
    ends: np.ndarray

    def containing(self, t: float) -> int:
        """The index of the pause that holds time ``t``, or -1."""
        i = int(np.searchsorted(self.starts, t, side="right")) - 1
        return i if i >= 0 and t < self.ends[i] else -1

    def inner(self, s: float, e: float, min_s: float) -> list[int]:
        """The pauses of ``min_s`` or more (almost) inside ``[s, e]``."""
        lo = int(np.searchsorted(self.ends, s, side="right"))
        hi = int(np.searchsorted(self.starts, e, side="left"))
        return [k for k in range(lo, hi)
                if self.ends[k] - self.starts[k] >= min_s and self.starts[k] > s + 0.02 and self.ends[k] < e + 0.02]


def _side(spans: list[tuple[float, float]], grp: list[int | None], n: int) -> str | None:
    """'left'/'right': which neighbour word ``n`` belongs with, if known."""
    s, e = spans[n]
    n_spans = len(spans)
    same_prev = n > 0 and grp[n] is not None and grp[n - 1] == grp[n]
    same_next = n + 1 < n_spans and grp[n] is not None and grp[n + 1] == grp[n]
    if same_prev != same_next:
        return "left" if same_prev else "right"
    prev_touch = n > 0 and abs(spans[n - 1][1] - s) < 0.1
    next_touch = n + 1 < n_spans and abs(spans[n + 1][0] - e) < 0.1
    if prev_touch != next_touch:
        return "left" if prev_touch else "right"
    return None


def _snap_word(spans: list[tuple[float, float]], grp: list[int | None], n: int, pauses: _Pauses,
               inner_pause_s: float, use_groups: bool) -> tuple[float, float]:
    """Word ``n``'s span with its edges moved out of the pauses (the first three rules of :func:`snap_to_pauses`)."""
    s, e = spans[n]
    ps, pe = pauses.containing(s), pauses.containing(e)
    if ps >= 0 and ps == pe:  # whole word inside one pause
        which = _side(spans, grp, n) if use_groups else None
        dur = min(e - s, 0.1)
        if which == "right":
            return (float(pauses.ends[ps]), float(pauses.ends[ps]) + max(dur, 0.02))
        if which == "left":
            return (float(pauses.starts[ps]) - max(dur, 0.02), float(pauses.starts[ps]))
        return (s, e)
    ns = float(pauses.ends[ps]) if ps >= 0 else s
    ne = float(pauses.starts[pe]) if pe >= 0 else e
    if ne - ns < 0.02:
        ns, ne = s, e
    # long pauses (almost) inside the snapped word
    inner = pauses.inner(ns, ne, inner_pause_s)
    if inner:
        if _side(spans, grp, n) == "right":
            ns = float(pauses.ends[inner[-1]])
        else:
            ne = float(pauses.starts[inner[0]])
    return (ns, ne)


def _reach_pauses(out: list[tuple[float, float]], pauses: _Pauses, max_extend_s: float) -> None:
    """Words next to a pause reach it: Whisper tends to end a phrase's last word (and start a
    phrase's first word) a little inside the speech.  In place, word by word."""
    starts, ends = pauses.starts, pauses.ends
    for n, (s, e) in enumerate(out):
        k = int(np.searchsorted(starts, e, side="left"))  # first pause starting at/after e
        if k < len(starts) and 0 < starts[k] - e <= max_extend_s:
            nxt = out[n + 1][0] if n + 1 < len(out) else np.inf
            if nxt >= starts[k]:
                e = float(starts[k])
        k = int(np.searchsorted(ends, s, side="right")) - 1  # last pause ending at/before s
        if k >= 0 and 0 < s - ends[k] <= max_extend_s:
            prv = out[n - 1][1] if n > 0 else -np.inf
            if prv <= ends[k]:
                s = float(ends[k])
        out[n] = (s, e)


def subtract_pauses(regions: list[tuple[float, float]], pauses: list[tuple[float, float]],
                    min_len: float = 0.05) -> list[tuple[float, float]]:
    """Remove pause intervals from regions (both sorted lists of (start, end))."""
    out: list[tuple[float, float]] = []
    j = 0
    for s, e in regions:
        cur = s
        while j < len(pauses) and pauses[j][1] <= s:
            j += 1
        k = j
        while k < len(pauses) and pauses[k][0] < e:
            ps, pe = pauses[k]
            if ps - cur >= min_len:
                out.append((cur, ps))
            cur = max(cur, pe)
            k += 1
        if e - cur >= min_len:
            out.append((cur, e))
    return out


def pause_overlap(a: np.ndarray, b: np.ndarray, pauses: list[tuple[float, float]]) -> np.ndarray:
    """For each interval [a_i, b_i], the longest overlap with any pause (seconds)."""
    ps = np.array([p[0] for p in pauses])
    pe = np.array([p[1] for p in pauses])
    out = np.zeros(len(a))
    lo = np.searchsorted(pe, a, side="right")  # first pause ending after a
    hi = np.searchsorted(ps, b, side="left")  # pauses starting before b
    for i in range(len(a)):
        if hi[i] > lo[i]:
            ov = np.minimum(pe[lo[i]:hi[i]], b[i]) - np.maximum(ps[lo[i]:hi[i]], a[i])
            out[i] = max(0.0, float(ov.max()))
    return out


class ResemblyzerDiarizer:
    """Diarizer backed by resemblyzer's GE2E encoder, run in numpy (no torch)."""

    name = "resemblyzer-0.1.4-numpy"

    def __init__(
        self,
        checkpoint: str | None = None,
        window_s: float = 1.5,
        hop_s: float = 0.75,
        min_window_s: float = 0.3,
        split_gap_s: float = 0.3,
        region_pause_s: float = 0.5,
        threshold: float = 0.25,
        min_speakers: int = 1,
        max_speakers: int = 4,
        min_cluster_seconds: float = 4.0,
        min_cluster_fraction: float = 0.05,
        merge_similarity: float | None = 0.83,
        switch_penalty: float = 0.1,
        free_switch_gap_s: float = 0.6,
        turn_gap_s: float = 1.0,
        batch_size: int = 128,
        chunk_seconds: float = 30.0,
        max_cluster_points: int = 2000,
        snap_words_to_pauses: bool = True,
        region_windows: int = 4,
        two_speaker_alternative: bool = True,
        split_agreement_threshold: float | None = 0.55,
        reliable_point_seconds: float | None = 1.5,
        reliable_merge_similarity: float | None = 0.87,
        split_readings: bool = True,
    ) -> None:
        self.checkpoint = checkpoint
        self.window = int(round(window_s * FPS))
        self.hop = int(round(hop_s * FPS))
        self.min_window = int(round(min_window_s * FPS))
        self.split_gap_s = split_gap_s
        self.region_pause_s = region_pause_s
        self.threshold = threshold
        self.min_speakers = min_speakers
        self.max_speakers = max_speakers
        self.min_cluster_seconds = min_cluster_seconds
        self.min_cluster_fraction = min_cluster_fraction
        self.merge_similarity = merge_similarity
        self.switch_penalty = switch_penalty
        self.free_switch_gap_s = free_switch_gap_s
        self.turn_gap_s = turn_gap_s
        self.batch_size = batch_size
        self.chunk_seconds = chunk_seconds
        self.max_cluster_points = max_cluster_points
        self.snap_words_to_pauses = snap_words_to_pauses
        self.region_windows = region_windows
        self.two_speaker_alternative = two_speaker_alternative
        self.split_agreement_threshold = split_agreement_threshold
        self.reliable_point_seconds = reliable_point_seconds
        self.reliable_merge_similarity = reliable_merge_similarity
        self.split_readings = split_readings
        self._encoder: SpeakerEncoder | None = None

    # -- model -------------------------------------------------------------
    @property
    def encoder(self) -> SpeakerEncoder:
        if self._encoder is None:
            self._encoder = SpeakerEncoder(checkpoint=self.checkpoint)
        return self._encoder

    # -- features ----------------------------------------------------------
    def features(self, audio_path: str) -> np.ndarray:
        """Mel frames (T, 40) float32 for the whole file, computed chunk by chunk."""
        fe = MelFrontEnd()
        parts = [fe.push(chunk) for chunk in iter_audio(audio_path, self.chunk_seconds)]
        parts.append(fe.finish())
        return np.concatenate(parts) if parts else np.zeros((0, 40), np.float32)

    def _windows(self, regions: list[tuple[float, float]], n_frames: int) -> list[_Window]:
        out: list[_Window] = []
        W, H = self.window, self.hop
        for s, e in regions:
            a = max(0, int(np.floor(s * FPS)))
            b = min(n_frames, int(np.ceil(e * FPS)))
            length = b - a
            if length < self.min_window:
                continue
            if length <= W + H // 2:
                # one window; quantise the length to 5 frames to batch better
                q = max(self.min_window, length - length % 5)
                off = (length - q) // 2
                out.append(_Window(a + off, a + off + q))
                continue
            starts = list(range(a, b - W + 1, H))
            if b - (starts[-1] + W) > H // 3:
                starts.append(b - W)
            out.extend(_Window(st, st + W) for st in starts)
        return out

    def _embed(self, mel: np.ndarray, windows: list[_Window]) -> np.ndarray:
        emb = np.zeros((len(windows), 256), dtype=np.float32)
        by_len: dict[int, list[int]] = {}
        for i, w in enumerate(windows):
            by_len.setdefault(w.end - w.start, []).append(i)
        encoder = self.encoder
        with blas_threads(encoder.blas_threads):
            for length, idx in by_len.items():
                for k in range(0, len(idx), self.batch_size):
                    chunk = idx[k: k + self.batch_size]
                    batch = np.stack([mel[windows[i].start: windows[i].end] for i in chunk])
                    emb[chunk] = encoder.embed(batch)
        return emb

    # -- scoring -----------------------------------------------------------
    @staticmethod
    def _unit_scores(units: np.ndarray, windows: list[_Window], sims: np.ndarray) -> np.ndarray:
        """Per unit (start_frame, end_frame), overlap-weighted mean window similarity."""
        n_units, k = len(units), sims.shape[1]
        scores = np.zeros((n_units, k), dtype=np.float64)
        if not windows:
            return scores
        ws = np.array([w.start for w in windows])
        we = np.array([w.end for w in windows])
        centers = (ws + we) / 2.0
        order = np.argsort(ws)
        ws_sorted = ws[order]
        max_len = int((we - ws).max())
        for u, (a, b) in enumerate(units):
            lo = np.searchsorted(ws_sorted, a - max_len, side="left")
            hi = np.searchsorted(ws_sorted, b, side="right")
            cand = order[lo:hi]
            ov = np.minimum(we[cand], b) - np.maximum(ws[cand], a)
            sel = ov > 0
            if sel.any():
                wts = ov[sel].astype(np.float64)
                scores[u] = (sims[cand[sel]] * wts[:, None]).sum(0) / wts.sum()
            else:
                nearest = int(np.argmin(np.abs(centers - (a + b) / 2.0)))
                scores[u] = sims[nearest]
        return scores

    def _viterbi(self, scores: np.ndarray, gaps: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Best label path; switching costs ``switch_penalty`` scaled down by the pause before."""
        n, k = scores.shape
        if n == 0 or k == 1:
            return np.zeros(n, dtype=np.int64)
        emis = scores * weights[:, None]
        pen = self.switch_penalty * np.clip(1.0 - gaps / self.free_switch_gap_s, 0.0, 1.0)
        acc = emis[0].copy()
        back = np.zeros((n, k), dtype=np.int64)
        for t in range(1, n):
            stay = acc
            best_other = np.max(acc) - pen[t]
            arg_other = int(np.argmax(acc))
            choose_stay = stay >= best_other
            back[t] = np.where(choose_stay, np.arange(k), arg_other)
            acc = np.where(choose_stay, stay, best_other) + emis[t]
        path = np.zeros(n, dtype=np.int64)
        path[-1] = int(np.argmax(acc))
        for t in range(n - 1, 0, -1):
            path[t - 1] = back[t, path[t]]
        return path

    # -- main --------------------------------------------------------------
    def prepare(self, audio_path: str, spans: Sequence[Span] | None = None) -> "Prepared":
        """Features, refined word spans, speech regions, windows and their embeddings."""
        t0 = time.perf_counter()
        mel = self.features(audio_path)
        n_frames = len(mel)
        t_feat = time.perf_counter()

        pauses = detect_pauses(mel.sum(axis=1)) if self.snap_words_to_pauses else []
        if spans:
            span_list = [(float(s.start), float(s.end)) for s in spans]
            if pauses:
                groups = [getattr(s, "group", None) for s in spans]
                span_list = snap_to_pauses(span_list, pauses,
                                           groups=groups if any(g is not None for g in groups) else None)
            regions = spans_to_regions(span_list, self.split_gap_s)
            # cut regions at real pauses too: word timestamps can run across them
            regions = subtract_pauses(regions, [p for p in pauses if p[1] - p[0] >= self.region_pause_s])
        else:
            span_list = []
            regions = energy_regions(mel.sum(axis=1))
        windows = self._windows(regions, n_frames)
        if not windows and regions:
            # everything is shorter than min_window: embed each region anyway
            windows = [
                _Window(int(s * FPS), max(int(s * FPS) + 1, min(n_frames, int(np.ceil(e * FPS)))))
                for s, e in regions
            ]
            windows = [w for w in windows if w.end <= n_frames and w.end - w.start >= 2]
        emb = self._embed(mel, windows)
        t_emb = time.perf_counter()
        return Prepared(span_list, regions, windows, emb, pauses,
                        {"features": round(t_feat - t0, 3), "embeddings": round(t_emb - t_feat, 3)})

    def diarize(self, audio_path: str, spans: Sequence[Span] | None = None) -> DiarizationResult:
        return self.label(self.prepare(audio_path, spans))

    def _units(self, prep: "Prepared") -> tuple[list[int], np.ndarray]:
        """Units to label: the given spans (words) in time order, or 100 ms slices of the regions."""
        if prep.spans:
            order = sorted(range(len(prep.spans)), key=lambda i: prep.spans[i][0])
            return order, np.array([prep.spans[i] for i in order], dtype=np.float64)
        slices = []
        for s, e in prep.regions:
            t = s
            while t < e - 1e-6:
                slices.append((t, min(e, t + 0.1)))
                t += 0.1
        return [], np.array(slices, dtype=np.float64).reshape(-1, 2)

    def _gaps(self, unit_times: np.ndarray, pauses: list[tuple[float, float]]) -> np.ndarray:
        gaps = np.zeros(len(unit_times))
        if len(unit_times) > 1:
            prev_end = np.maximum.accumulate(unit_times[:, 1])
            gaps[1:] = np.maximum(0.0, unit_times[1:, 0] - prev_end[:-1])
            if pauses:
                # a pause heard between two words' centres counts even if the
                # (drifting) word timestamps overlap it
                mids = unit_times.mean(axis=1)
                gaps[1:] = np.maximum(gaps[1:], pause_overlap(mids[:-1], mids[1:], pauses))
        return gaps

    def label(self, prep: "Prepared") -> DiarizationResult:
        """Cluster the windows, then label every unit (word) with a speaker.

        When one speaker is found, ``alternative`` holds the labelling by the two halves of
        :func:`~.clustering.split_in_two` (``two_speaker_alternative``; D68); when two or more
        (and fewer than ``max_speakers``), ``splits`` holds one such reading per cluster
        (``split_readings``; D90)."""
        t0 = time.perf_counter()
        if len(prep.windows) == 0:
            turns = [SpeakerTurn(s, e, 0) for s, e in prep.regions]
            return DiarizationResult(turns, 1 if turns else 0, [0] * len(prep.spans), [],
                                     {"windows": 0}, prep.spans)
        points, weights = self._points(prep)
        cl = self._cluster(prep, (points, weights))
        result = self._label_with(prep, cl, t0)
        if cl.n_speakers == 1 and self.two_speaker_alternative and self.max_speakers >= 2:
            split = split_in_two(points, weights)
            if split is not None:
                halves = ClusteringResult(np.zeros(0, dtype=np.int64), split.astype(np.float32), 2,
                                          cl.merge_distances, 2, 2)
                result.alternative = self._label_with(prep, halves, time.perf_counter())
        elif 2 <= cl.n_speakers < self.max_speakers and self.split_readings:
            result.splits = self._split_readings(prep, cl, points, weights)
        return result

    def _split_readings(self, prep: "Prepared", cl: ClusteringResult, points: np.ndarray,
                        weights: np.ndarray) -> list[DiarizationResult]:
        """Per speaker cluster, largest first, the labelling with that cluster split in two by
        :func:`~.clustering.split_in_two` (each half holding the minimum cluster mass), the halves
        named in ``split_pair`` (D90).  Acoustics alone cannot tell two similar voices who alternate
        from one voice's halves; the caller decides from what each half says.  ``points`` and
        ``weights``: what ``cl`` clustered (:meth:`_points`); ``cl.labels`` says whose each point is."""
        labels = cl.labels
        mass = np.bincount(labels, weights=weights, minlength=cl.n_speakers)
        min_mass = min_cluster_mass(weights, self.min_cluster_seconds, self.min_cluster_fraction)
        out = []
        for k in np.argsort(-mass, kind="stable"):
            mine = labels == k
            halves = split_in_two(points[mine], weights[mine])
            if halves is None:
                continue
            side = np.argmax(points[mine] @ halves.T, axis=1)
            if np.bincount(side, weights=weights[mine], minlength=2).min() < min_mass:
                continue
            cents = np.concatenate([np.delete(cl.centroids, k, axis=0), halves]).astype(np.float32)
            reading = self._label_with(prep, ClusteringResult(np.zeros(0, dtype=np.int64), cents, len(cents),
                                                              cl.merge_distances, 0, 0), time.perf_counter(),
                                       halves=(len(cents) - 2, len(cents) - 1))
            if reading.split_pair is not None:
                out.append(reading)
        return out

    def _label_with(self, prep: "Prepared", cl: ClusteringResult, t0: float,
                    halves: tuple[int, int] | None = None) -> DiarizationResult:
        """Resegmentation: every unit scored against ``cl``'s centroids, then the Viterbi pass.
        ``halves``: two of ``cl``'s centroids (by index) that a split made; when both keep a unit,
        ``split_pair`` names the speakers they became."""
        order, unit_times = self._units(prep)
        units = np.stack([np.floor(unit_times[:, 0] * FPS), np.ceil(unit_times[:, 1] * FPS)], 1).astype(int)
        units[:, 1] = np.maximum(units[:, 1], units[:, 0] + 1)
        scores = self._unit_scores(units, prep.windows, prep.emb @ cl.centroids.T)
        weights = np.clip(unit_times[:, 1] - unit_times[:, 0], 0.05, 1.0)
        labels = self._viterbi(scores, self._gaps(unit_times, prep.pauses), weights)
        return self._result(prep, cl, order, unit_times, labels, time.perf_counter() - t0, halves)

    def _points(self, prep: "Prepared") -> tuple[np.ndarray, np.ndarray]:
        """What the clustering sees: region-level points (``region_windows``) and their seconds of speech."""
        starts = np.array([w.start for w in prep.windows])
        ends = np.array([w.end for w in prep.windows])
        points, weights = prep.emb, (ends - starts) / FPS
        if self.region_windows > 1:
            pooled = pool_by_region(points, weights, region_of_windows(starts, ends, prep.regions, FPS),
                                    self.region_windows)
            points, weights = pooled.points, pooled.weights
        return points, weights

    def _cluster(self, prep: "Prepared",
                 pooled: tuple[np.ndarray, np.ndarray] | None = None) -> ClusteringResult:
        """Speakers from the windows' embeddings, pooled per speech region first (``region_windows``;
        ``pooled``: :meth:`_points` already computed); one speaker becomes two when its split
        reproduces (``split_agreement_threshold``; D79)."""
        points, weights = pooled if pooled is not None else self._points(prep)
        cl = cluster_speakers(
            points, weights, threshold=self.threshold, min_speakers=self.min_speakers,
            max_speakers=self.max_speakers, min_cluster_seconds=self.min_cluster_seconds,
            min_cluster_fraction=self.min_cluster_fraction, max_points=self.max_cluster_points,
            merge_similarity=self.merge_similarity, reliable_point_seconds=self.reliable_point_seconds,
            reliable_merge_similarity=self.reliable_merge_similarity,
        )
        if cl.n_speakers != 1 or self.split_agreement_threshold is None or self.max_speakers < 2:
            return cl
        min_mass = min_cluster_mass(weights, self.min_cluster_seconds, self.min_cluster_fraction)
        found = reproducible_split(points, weights, self.split_agreement_threshold, min_mass=min_mass)
        if found is None:
            return cl
        halves, agreement = found
        labels = np.argmax(points @ halves.T, axis=1)
        return ClusteringResult(labels, halves.astype(np.float32), 2, cl.merge_distances, cl.n_initial,
                                cl.n_after_folding, split_agreement=round(agreement, 3))

    def _result(self, prep: "Prepared", cl, order: list[int], unit_times: np.ndarray,
                labels: np.ndarray, seconds: float, halves: tuple[int, int] | None = None) -> DiarizationResult:
        # relabel speakers by first appearance, drop speakers with no unit
        remap: dict[int, int] = {}
        for lab in labels:
            remap.setdefault(int(lab), len(remap))
        labels = np.array([remap[int(lab)] for lab in labels], dtype=np.int64)
        cents = [cl.centroids[old].tolist() for old, _ in sorted(remap.items(), key=lambda kv: kv[1])]

        turns: list[SpeakerTurn] = []
        for (s, e), lab in zip(unit_times, labels):
            if turns and turns[-1].speaker == lab and s - turns[-1].end < self.turn_gap_s:
                turns[-1] = SpeakerTurn(turns[-1].start, max(turns[-1].end, float(e)), int(lab))
            else:
                turns.append(SpeakerTurn(float(s), float(e), int(lab)))

        span_speakers: list[int] = []
        if prep.spans:
            span_speakers = [0] * len(prep.spans)
            for pos, i in enumerate(order):
                span_speakers[i] = int(labels[pos])
        info = {
            "windows": len(prep.windows),
            "regions": len(prep.regions),
            "clusters": {"threshold_cut": cl.n_initial, "after_folding": cl.n_after_folding,
                         "final": cl.n_speakers, "split_agreement": cl.split_agreement},
            "seconds": {**prep.seconds, "clustering": round(seconds, 3)},
        }
        pair = None
        if halves is not None and halves[0] in remap and halves[1] in remap:  # both halves kept a unit
            pair = (min(remap[halves[0]], remap[halves[1]]), max(remap[halves[0]], remap[halves[1]]))
        return DiarizationResult(turns, len(remap), span_speakers, cents, info, prep.spans, split_pair=pair)


@dataclass
class Prepared:
    """What :meth:`ResemblyzerDiarizer.prepare` computed for one file (labelling reuses it)."""

    spans: list[tuple[float, float]]
    regions: list[tuple[float, float]]
    windows: list[_Window]
    emb: np.ndarray
    pauses: list[tuple[float, float]]
    seconds: dict[str, float]
