"""Agglomerative clustering of speaker embeddings and speaker-count estimation.

Pure numpy (no scipy): average linkage on cosine distance with a
nearest-neighbour cache, O(n^2) memory (float32) and close to O(n^2) time.
Callers cap ``n`` (see ``max_points`` in :func:`cluster_speakers`), so the
distance matrix stays small even for hour-long recordings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Merge:
    a: int  # surviving cluster id (a row of the input)
    b: int  # absorbed cluster id
    distance: float
    size: int  # size of the merged cluster


def cosine_distances(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    n = np.linalg.norm(x, axis=1, keepdims=True)
    x = x / np.maximum(n, 1e-12)
    d = 1.0 - x @ x.T
    np.clip(d, 0.0, 2.0, out=d)
    return d


def average_linkage(dist: np.ndarray) -> list[Merge]:
    """Full average-linkage (UPGMA) merge history for a square distance matrix.

    Returns ``n - 1`` merges in order of increasing distance (UPGMA is
    monotone).  Ties are broken by the lowest index, deterministically.
    """
    d = np.array(dist, dtype=np.float64, copy=True)
    n = d.shape[0]
    if n <= 1:
        return []
    np.fill_diagonal(d, np.inf)
    size = np.ones(n, dtype=np.int64)
    active = np.ones(n, dtype=bool)
    nn = np.argmin(d, axis=1)
    nnd = d[np.arange(n), nn]
    merges: list[Merge] = []
    for _ in range(n - 1):
        i = int(np.argmin(np.where(active, nnd, np.inf)))
        j = int(nn[i])
        dij = float(nnd[i])
        a, b = (i, j) if i < j else (j, i)
        sa, sb = size[a], size[b]
        new = (sa * d[a] + sb * d[b]) / (sa + sb)
        d[a, :] = new
        d[:, a] = new
        d[a, a] = np.inf
        d[b, :] = np.inf
        d[:, b] = np.inf
        active[b] = False
        size[a] = sa + sb
        nnd[b] = np.inf
        merges.append(Merge(a, b, dij, int(size[a])))
        # rows whose nearest neighbour was a or b must be recomputed;
        # (average linkage: d(k, a+b) >= min(d(k,a), d(k,b)), so no other row improves)
        stale = np.flatnonzero(active & ((nn == a) | (nn == b)))
        stale = np.union1d(stale, [a])
        for k in stale:
            row = d[k]
            m = int(np.argmin(row))
            nn[k] = m
            nnd[k] = row[m]
        # rows that got closer to the merged cluster than their cached nn
        closer = np.flatnonzero(active & (d[:, a] < nnd))
        nn[closer] = a
        nnd[closer] = d[closer, a]
    return merges


def labels_from_merges(n: int, merges: list[Merge], n_merges: int) -> np.ndarray:
    """Flat labels 0..k-1 after applying the first ``n_merges`` merges."""
    parent = np.arange(n)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in merges[:n_merges]:
        ra, rb = find(m.a), find(m.b)
        parent[rb] = ra
    roots = np.array([find(i) for i in range(n)])
    _, labels = np.unique(roots, return_inverse=True)
    return labels


def cut_at_threshold(n: int, merges: list[Merge], threshold: float) -> np.ndarray:
    k = sum(1 for m in merges if m.distance <= threshold)
    return labels_from_merges(n, merges, k)


def cut_at_k(n: int, merges: list[Merge], k: int) -> np.ndarray:
    k = max(1, min(n, k))
    return labels_from_merges(n, merges, n - k)


def centroids(emb: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    k = int(labels.max()) + 1 if len(labels) else 0
    w = np.ones(len(emb)) if weights is None else np.asarray(weights, dtype=np.float64)
    out = np.zeros((k, emb.shape[1]), dtype=np.float64)
    for c in range(k):
        sel = labels == c
        if sel.any():
            out[c] = (emb[sel] * w[sel, None]).sum(0)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out.astype(np.float32)


@dataclass
class ClusteringResult:
    labels: np.ndarray  # per input point, 0..k-1, ordered by first appearance
    centroids: np.ndarray  # (k, dim), L2-normalised
    n_speakers: int
    merge_distances: list[float]
    #: clusters at the threshold cut, before folding/merging (diagnostics)
    n_initial: int = 0
    #: clusters left after folding small ones (diagnostics)
    n_after_folding: int = 0
    #: when one speaker became two by a reproducible split, its agreement (D79; diagnostics)
    split_agreement: float | None = None


def _relabel_by_first_appearance(labels: np.ndarray) -> np.ndarray:
    order: dict[int, int] = {}
    for lab in labels:
        order.setdefault(int(lab), len(order))
    return np.array([order[int(lab)] for lab in labels], dtype=np.int64)


def _pool(emb: np.ndarray, weights: np.ndarray, factor: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Average ``factor`` consecutive points (keeps clustering cost bounded)."""
    n = len(emb)
    groups = np.arange(n) // factor
    g = int(groups[-1]) + 1
    pooled = np.zeros((g, emb.shape[1]), dtype=np.float64)
    np.add.at(pooled, groups, emb * weights[:, None])
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    pw = np.bincount(groups, weights=weights, minlength=g)
    return pooled.astype(np.float32), pw, groups


def _reliable(w: np.ndarray, groups: np.ndarray, labels: np.ndarray, big: np.ndarray, point_seconds: float,
              cluster_seconds: float) -> np.ndarray:
    """Per speaker cluster (``big``): whether it holds ``cluster_seconds`` in input points of
    ``point_seconds`` or more (D86).  ``w`` per input point, ``groups`` the pooled point of each."""
    solid = np.bincount(groups, weights=np.where(w >= point_seconds, w, 0.0), minlength=len(labels))
    return np.bincount(labels, weights=solid, minlength=int(labels.max()) + 1)[big] >= cluster_seconds


def _merge_bars(reliable: np.ndarray | None, min_similarity: float,
                reliable_similarity: float | None) -> np.ndarray | float:
    """The centroid similarity each pair of kept clusters needs to merge (D86): ``min_similarity``,
    or ``reliable_similarity`` (``None``: never) when both clusters are reliable."""
    if reliable is None:
        return min_similarity
    both = np.logical_and.outer(reliable, reliable)
    return np.where(both, np.inf if reliable_similarity is None else reliable_similarity, min_similarity)


def _merge_similar(pts: np.ndarray, labels: np.ndarray, weights: np.ndarray, keep: list[int],
                   min_similarity: float, min_clusters: int, reliable: np.ndarray | None = None,
                   reliable_similarity: float | None = None) -> np.ndarray:
    """Merge kept clusters whose centroids are all pairwise similar (>= ``min_similarity``).

    Complete linkage over the *original* cluster centroids: two groups merge
    only if every pair of their member clusters is similar.  Recomputing a
    merged centroid and comparing again would snowball (the mean of several
    voices is close to every voice, since GE2E embeddings are non-negative).
    ``reliable`` (per kept cluster, D86): a pair of reliable clusters needs ``reliable_similarity``.
    """
    sel = [labels == c for c in keep]
    base = []
    for m in sel:
        v = (pts[m] * weights[m, None]).sum(0)
        base.append(v / max(float(np.linalg.norm(v)), 1e-12))
    base_arr = np.stack(base)
    margin = base_arr @ base_arr.T - _merge_bars(reliable, min_similarity, reliable_similarity)
    groups = [[i] for i in range(len(keep))]
    while len(groups) > max(1, min_clusters):
        best, pair = -np.inf, None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                link = margin[np.ix_(groups[a], groups[b])].min()
                if link > best:
                    best, pair = link, (a, b)
        if pair is None or best < 0:
            break
        a, b = pair
        groups[a] = groups[a] + groups[b]
        del groups[b]
    out = []
    for g in groups:
        m = np.logical_or.reduce([sel[i] for i in g])
        v = (pts[m] * weights[m, None]).sum(0)
        out.append(v / max(float(np.linalg.norm(v)), 1e-12))
    return np.stack(out).astype(np.float32)


def min_cluster_mass(weights: np.ndarray, min_cluster_seconds: float, min_cluster_fraction: float) -> float:
    """The speech (seconds) a cluster needs to count as a speaker of its own: ``min_cluster_seconds``,
    or ``min_cluster_fraction`` of all the speech in ``weights`` when that is more.  Step 2 of
    :func:`cluster_speakers` folds lighter clusters away; each half of a split must hold it (D79, D90)."""
    return max(min_cluster_seconds, min_cluster_fraction * float(weights.sum()))


def cluster_speakers(
    emb: np.ndarray,
    durations: np.ndarray | None = None,
    threshold: float = 0.4,
    min_speakers: int = 1,
    max_speakers: int = 4,
    min_cluster_seconds: float = 4.0,
    min_cluster_fraction: float = 0.05,
    merge_similarity: float | None = 0.8,
    max_points: int = 2000,
    refine_iterations: int = 5,
    reliable_point_seconds: float | None = None,
    reliable_merge_similarity: float | None = None,
) -> ClusteringResult:
    """Cluster window embeddings into speakers and estimate how many there are.

    1. Average-linkage AHC on cosine distance, cut at ``threshold``.
    2. Clusters holding less speech than ``max(min_cluster_seconds,
       min_cluster_fraction * total)`` are not speakers of their own (they are
       usually windows straddling a turn change, coughs, noise): they are
       folded into the nearest remaining cluster.
    3. The count is clamped to ``[min_speakers, max_speakers]`` by cutting
       the dendrogram at the corresponding ``k``.
    4. Remaining clusters are merged when their centroids are all pairwise
       more similar than ``merge_similarity`` (cosine, complete linkage).
       Average-linkage distances mix within-speaker spread with speaker
       distance; centroids don't, which makes the count less sensitive to
       ``threshold``.  Measured: one real speaker split in two gave centroid
       cosines 0.81-0.87; the two speakers of each dev conversation
       0.49-0.71; but some different voices across our files reach
       0.75-0.84, hence 0.8 as the compromise.
       With ``reliable_point_seconds`` (D86), a cluster holding at least
       ``min_cluster_seconds`` in points of that many seconds or more is
       *reliable*, and two reliable clusters merge only at
       ``reliable_merge_similarity`` (``None``: never): the splits this step
       undoes are clusters of sub-window snippets, whose embeddings say little;
       a briefly speaking third person is a few full windows of a distinct voice.
    5. k-means-style refinement: re-assign every window to its nearest
       centroid and recompute centroids, a few iterations.
    """
    emb = np.asarray(emb, dtype=np.float32)
    n = len(emb)
    w = np.ones(n) if durations is None else np.asarray(durations, dtype=np.float64)
    if n <= 1:
        return _at_most_one(emb)

    factor = int(np.ceil(n / max_points))
    pts, pw, groups = _pool(emb, w, factor) if factor > 1 else (emb, w, np.arange(n))
    m = len(pts)
    merges = average_linkage(cosine_distances(pts))
    min_mass = min_cluster_mass(pw, min_cluster_seconds, min_cluster_fraction)
    labels, big, n_initial = _speaker_cut(m, merges, pw, threshold, min_mass, min_speakers, max_speakers)
    cents = centroids(pts, labels, pw)[big]
    if merge_similarity is not None:
        reliable = None if reliable_point_seconds is None else _reliable(
            w, groups, labels, big, reliable_point_seconds, min_cluster_seconds)
        cents = _merge_similar(pts, labels, pw, list(big), merge_similarity, min_speakers, reliable,
                               reliable_merge_similarity)
    cents, point_labels = _refined(emb, w, cents, refine_iterations, min_speakers, (m, merges, groups))
    return _result(point_labels, cents, merges, n_initial, len(big))


def _at_most_one(emb: np.ndarray) -> ClusteringResult:
    if len(emb) == 0:
        return ClusteringResult(np.zeros(0, dtype=np.int64), np.zeros((0, emb.shape[1] if emb.ndim == 2 else 0), np.float32), 0, [])
    return ClusteringResult(np.zeros(1, dtype=np.int64), centroids(emb, np.zeros(1, dtype=np.int64)), 1, [])


def _refined(emb: np.ndarray, w: np.ndarray, cents: np.ndarray, iterations: int, min_speakers: int,
             tree: tuple[int, np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Back to the original points, then refine; if refinement collapsed a cluster below
    ``min_speakers``, keep the dendrogram cut instead.  ``tree``: (pooled points, merges, the pooled
    point of each input point)."""
    m, merges, groups = tree
    cents, point_labels = _refine(emb, w, cents, iterations)
    if len(cents) < min_speakers <= len(emb):
        point_labels = cut_at_k(m, merges, min_speakers)[groups]
        cents = centroids(emb, point_labels, w)
        point_labels = np.argmax(emb @ cents.T, axis=1)
    return cents, point_labels


def split_in_two(points: np.ndarray, weights: np.ndarray, iterations: int = 20) -> np.ndarray | None:
    """Two centroids for one cluster: a split along its principal axis, refined by spherical 2-means.

    The alternative to "one speaker" when the count came out 1 (D68): average linkage cuts off
    outlier points first, while two similar voices differ along one direction of the whole
    cloud.  ``None`` when the points do not split (fewer than two, or all on one side).
    """
    pts = np.asarray(points, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if len(pts) < 2:
        return None
    centred = pts - (pts * w[:, None]).sum(0) / w.sum()
    # the top right singular vector of the weighted points = the top eigenvector of their scatter
    axis = np.linalg.svd(centred * np.sqrt(w)[:, None], full_matrices=False)[2][0]
    labels = (centred @ axis > 0).astype(np.int64)
    for _ in range(iterations):
        if labels.min() == labels.max():
            return None
        new = np.argmax(pts @ centroids(pts, labels, w).T.astype(np.float64), axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
    return None if labels.min() == labels.max() else centroids(pts, labels, w)


def split_agreement(points: np.ndarray, weights: np.ndarray, half: int = 8, repeats: int = 40,
                    seed: int = 0) -> float:
    """How reproducible the two-way split of one cluster is (0..1; D79).

    ``repeats`` times, two disjoint random samples of ``half`` points each are split by
    :func:`split_in_two` on their own; the score is the mean |cosine| between the two samples'
    split directions (centroid differences).  Two voices give the same direction in both samples;
    one voice's split follows whatever its few points happen to vary in, so the directions
    disagree.  The fixed sample size keeps the score independent of the recording's length.
    Seeded: the same points give the same score.
    """
    pts = np.asarray(points, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    h = min(half, len(pts) // 2)
    if h < 2:
        return 0.0
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(repeats):
        order = rng.permutation(len(pts))
        a, b = order[:h], order[h: 2 * h]
        ca, cb = split_in_two(pts[a], w[a]), split_in_two(pts[b], w[b])
        if ca is None or cb is None:
            continue
        da, db = ca[0] - ca[1], cb[0] - cb[1]
        total += abs(float(da @ db)) / max(float(np.linalg.norm(da) * np.linalg.norm(db)), 1e-12)
    return total / repeats


def reproducible_split(points: np.ndarray, weights: np.ndarray, threshold: float, min_points: int = 8,
                       min_mass: float = 0.0) -> tuple[np.ndarray, float] | None:
    """The two centroids of :func:`split_in_two` when :func:`split_agreement` reaches ``threshold``
    and each half holds ``min_mass`` seconds, with the agreement; else ``None`` (D79)."""
    if len(points) < min_points:
        return None
    agreement = split_agreement(points, weights)
    halves = split_in_two(points, weights) if agreement >= threshold else None
    if halves is None:
        return None
    labels = np.argmax(np.asarray(points, dtype=np.float64) @ halves.T.astype(np.float64), axis=1)
    if np.bincount(labels, weights=weights, minlength=2).min() < min_mass:
        return None
    return halves, agreement


def _speaker_cut(m: int, merges: list[Merge], pw: np.ndarray, threshold: float, min_mass: float,
                 min_speakers: int, max_speakers: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Steps 1-3 of :func:`cluster_speakers`: (labels of the ``m`` points, the clusters that are
    speakers, the number of clusters at the threshold cut)."""
    labels = cut_at_threshold(m, merges, threshold)
    n_initial = int(labels.max()) + 1
    mass = np.bincount(labels, weights=pw)
    big = np.flatnonzero(mass >= min_mass)
    if len(big) == 0:
        big = np.array([int(np.argmax(mass))])
    k = int(np.clip(len(big), min_speakers, min(max_speakers, m)))
    if k != len(big):
        labels = cut_at_k(m, merges, k)
        mass = np.bincount(labels, weights=pw)
        big = np.argsort(-mass)[:k]
    return labels, big, n_initial


def _refine(emb: np.ndarray, w: np.ndarray, cents: np.ndarray, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """Step 5 of :func:`cluster_speakers`: (centroids, label of each point)."""
    point_labels = np.argmax(emb @ cents.T, axis=1)
    for _ in range(iterations):
        new_c = centroids(emb, point_labels, w)
        # a centroid that lost all its points disappears
        present = np.unique(point_labels)
        if len(present) < len(new_c):
            new_c = new_c[present]
        new_labels = np.argmax(emb @ new_c.T, axis=1)
        if len(new_c) == len(cents) and np.array_equal(new_labels, point_labels):
            cents = new_c
            break
        cents, point_labels = new_c, new_labels
    return cents, point_labels


def _result(point_labels: np.ndarray, cents: np.ndarray, merges: list[Merge], n_initial: int,
            n_after_folding: int) -> ClusteringResult:
    """Labels and centroids renumbered by first appearance."""
    final = _relabel_by_first_appearance(point_labels)
    # reorder centroids to match the relabelling
    order = []
    for lab in point_labels:
        if int(lab) not in order:
            order.append(int(lab))
    cents = cents[order]
    return ClusteringResult(final, cents, len(order), [m_.distance for m_ in merges],
                            n_initial, n_after_folding)
