"""Region-level points for the speaker clustering: the mean embedding of a few windows between pauses.

One 1.5 s window says little about a voice (windows of one speaker are only 0.72-0.82 cosine
alike); a handful of consecutive windows of one speech region (words between pauses of
``region_pause_s``, so rarely a turn change) average the phonetic content away.  Clustering
those means instead of single windows counts speakers better on the tune data (D65).
Only the clustering sees the pooled points; resegmentation still scores every window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RegionPoints:
    """Pooled points for :func:`~.clustering.cluster_speakers` and which one each window went into."""

    points: np.ndarray  # (g, dim) float32, L2-normalised duration-weighted means
    weights: np.ndarray  # (g,) seconds of speech per point
    group: np.ndarray  # (n_windows,) index of the point each window was pooled into


def region_of_windows(starts: np.ndarray, ends: np.ndarray, regions: list[tuple[float, float]],
                      fps: int) -> np.ndarray:
    """Index of the region holding each window's centre (frames ``[starts, ends)``)."""
    if not regions:
        return np.zeros(len(starts), dtype=np.int64)
    region_starts = np.array([int(np.floor(s * fps)) for s, _ in regions])
    mids = (np.asarray(starts) + np.asarray(ends)) / 2.0
    return np.maximum(np.searchsorted(region_starts, mids, side="right") - 1, 0).astype(np.int64)


def consecutive_groups(region: np.ndarray, max_windows: int) -> np.ndarray:
    """Group id per window: runs of consecutive windows of one region, at most ``max_windows`` long."""
    group = np.zeros(len(region), dtype=np.int64)
    current, count = -1, 0
    for i, r in enumerate(region):
        if i == 0 or r != region[i - 1] or count >= max_windows:
            current, count = current + 1, 0
        group[i] = current
        count += 1
    return group


def pool_by_region(emb: np.ndarray, durations: np.ndarray, region: np.ndarray,
                   max_windows: int) -> RegionPoints:
    """Duration-weighted mean embedding of every run of at most ``max_windows`` windows of one region.

    ``emb``, ``durations`` and ``region`` are per window, in time order (as the diarizer makes
    them); ``max_windows=1`` gives the windows themselves.
    """
    group = consecutive_groups(np.asarray(region), max(1, max_windows))
    n = int(group[-1]) + 1 if len(group) else 0
    points = np.zeros((n, emb.shape[1]), dtype=np.float64)
    np.add.at(points, group, np.asarray(emb, dtype=np.float64) * durations[:, None])
    points /= np.maximum(np.linalg.norm(points, axis=1, keepdims=True), 1e-12)
    weights = np.bincount(group, weights=durations, minlength=n)
    return RegionPoints(points.astype(np.float32), weights, group)
