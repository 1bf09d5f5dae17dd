"""Region-level clustering (D65): pooling windows per speech region, and the count it gives on real embeddings.

The fixtures (``tests/fixtures/diarization_points``) are the real encoder's window embeddings of six
re-voiced PriMock57 tune clips (``tools/export_diarization_points.py``), so the speaker count is
checked on what the clustering really sees, without audio or model weights.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from medisync.ml.diarization.regions import consecutive_groups, pool_by_region, region_of_windows
from medisync.ml.diarization.resemblyzer_backend import Prepared, ResemblyzerDiarizer, _Window

POINTS = Path(__file__).resolve().parents[2] / "fixtures" / "diarization_points"
CLIPS = sorted(POINTS.glob("*.npz"))


def test_consecutive_groups_break_at_regions_and_at_the_cap():
    region = np.array([0, 0, 0, 0, 0, 1, 1, 2])
    assert consecutive_groups(region, 2).tolist() == [0, 0, 1, 1, 2, 3, 3, 4]
    assert consecutive_groups(region, 1).tolist() == list(range(8))
    assert consecutive_groups(np.zeros(0, dtype=np.int64), 4).tolist() == []


def test_region_of_windows_uses_the_window_centre():
    regions = [(0.0, 2.0), (3.0, 6.0)]
    starts, ends = np.array([0, 50, 290, 450]), np.array([150, 200, 440, 600])
    assert region_of_windows(starts, ends, regions, fps=100).tolist() == [0, 0, 1, 1]
    assert region_of_windows(starts, ends, [], fps=100).tolist() == [0, 0, 0, 0]


def test_pool_by_region_is_a_duration_weighted_unit_mean():
    rng = np.random.default_rng(0)
    emb = rng.random((5, 8)).astype(np.float32)
    dur = np.array([1.5, 1.5, 0.5, 1.5, 1.0])
    pooled = pool_by_region(emb, dur, np.array([0, 0, 0, 1, 1]), max_windows=4)
    assert pooled.group.tolist() == [0, 0, 0, 1, 1]
    assert np.allclose(pooled.weights, [3.5, 2.5])
    want = (emb[:3] * dur[:3, None]).sum(0)
    assert np.allclose(pooled.points[0], want / np.linalg.norm(want), atol=1e-6)
    assert np.allclose(np.linalg.norm(pooled.points, axis=1), 1.0, atol=1e-6)
    alone = pool_by_region(emb, dur, np.array([0, 0, 0, 1, 1]), max_windows=1)
    assert np.allclose(alone.points, emb / np.linalg.norm(emb, axis=1, keepdims=True), atol=1e-6)


def _prepared(clip: dict, keep: np.ndarray | None = None) -> Prepared:
    sel = np.ones(len(clip["emb"]), dtype=bool) if keep is None else keep
    windows = [_Window(int(s), int(e)) for s, e in zip(clip["starts"][sel], clip["ends"][sel])]
    return Prepared([], [tuple(r) for r in clip["regions"]], windows, clip["emb"][sel], [], {})


def _load(path: Path) -> dict:
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def test_fixtures_are_there():
    assert len(CLIPS) == 6


def test_default_clustering_counts_the_speakers_of_re_voiced_clips():
    """Measured 6 of 6 with the default region-level clustering (window-level, as before D65: 2 of 6:
    x02 and x22 merged two voices, x03 and x07 split one).  Floor 5: one file of slack for BLAS."""
    diarizer = ResemblyzerDiarizer()
    right = 0
    for path in CLIPS:
        clip = _load(path)
        right += diarizer._cluster(_prepared(clip)).n_speakers == len(clip["names"])
    assert right >= 5


@pytest.mark.parametrize("path", CLIPS, ids=[p.stem[:11] for p in CLIPS])
def test_one_speaker_alone_stays_one_speaker(path):
    """Each reference speaker's windows on their own (>= 15 s of them) must come out as one speaker."""
    clip = _load(path)
    diarizer = ResemblyzerDiarizer()
    seconds = (clip["ends"] - clip["starts"]) / 100.0
    checked = 0
    for k in range(len(clip["names"])):
        mine = clip["speaker"] == k
        if seconds[mine].sum() >= 15.0:
            assert diarizer._cluster(_prepared(clip, mine)).n_speakers == 1
            checked += 1
    assert checked >= 1


TELEPHONE = sorted((POINTS / "telephone").glob("*.npz"))


def test_real_voices_over_the_phone_are_two_speakers():
    """Two real voices over a telephone band (tune data, D79: the real-dev voices re-spliced and
    band-limited): 6 of 6 measured with the split-agreement rule, 3 of 6 without it (three male pairs
    came out as one speaker).  Floor 5: one file of slack for BLAS."""
    assert len(TELEPHONE) == 6
    diarizer = ResemblyzerDiarizer()
    right = sum(diarizer._cluster(_prepared(_load(path))).n_speakers == 2 for path in TELEPHONE)
    assert right >= 5


@pytest.mark.parametrize("path", TELEPHONE, ids=[p.stem[10:] for p in TELEPHONE])
def test_one_real_voice_over_the_phone_stays_one(path):
    """Each voice of those calls alone (22-30 s, 5-7 region points: under the rule's 8-point minimum, so
    this guards the clustering; the rule's own singles checks are in docs/ml-speech.md, D79)."""
    clip = _load(path)
    diarizer = ResemblyzerDiarizer()
    for k in range(len(clip["names"])):
        assert diarizer._cluster(_prepared(clip, clip["speaker"] == k)).n_speakers == 1


BRIEF = sorted((POINTS / "brief").glob("*.npz"))


def test_a_briefly_speaking_third_person_is_counted():
    """18 tune clips with a nurse or relative speaking 4-17% of the time (D86): measured 8 of 18
    right with reliable clusters kept apart, 6 of 18 without (``reliable_point_seconds=None``: the
    0.83 centroid merge joined four brief speakers to the patient), never too many either way.
    Floor 7: one file of slack for BLAS, and it fails at the old 6."""
    assert len(BRIEF) == 18
    diarizer = ResemblyzerDiarizer()
    counts = [(diarizer._cluster(_prepared(c)).n_speakers, len(c["names"])) for c in map(_load, BRIEF)]
    assert sum(found == true for found, true in counts) >= 7
    assert sum(found > true for found, true in counts) <= 1  # measured 0: one file of slack for BLAS


def test_the_speakers_of_the_brief_clips_alone_stay_one():
    """Each speaker of those clips with >= 15 s of windows, alone: 30 of 31 stay one (b13's patient
    is split before and after D86). Floor 29: one file of slack for BLAS, as the count test has."""
    diarizer = ResemblyzerDiarizer()
    kept = total = 0
    for clip in map(_load, BRIEF):
        seconds = (clip["ends"] - clip["starts"]) / 100.0
        for k in range(len(clip["names"])):
            mine = clip["speaker"] == k
            if seconds[mine].sum() >= 15.0:
                total += 1
                kept += diarizer._cluster(_prepared(clip, mine)).n_speakers == 1
    assert total == 31
    assert kept >= 29
