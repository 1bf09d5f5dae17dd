"""The restore pass reads only the clips it decodes again, in one pass (D102): the same samples as
slicing the whole decoded signal, across chunk edges and past the end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("av")

from medisync.ml.diarization.audio import SAMPLE_RATE, iter_audio, read_clips  # noqa: E402

FLAC = Path(__file__).resolve().parents[2] / "fixtures" / "heldout" / "tune-01-otitis.flac"


def test_clips_are_the_slices_of_the_whole_signal():
    whole = np.concatenate(list(iter_audio(str(FLAC))))
    ranges = [(0.0, 1.5), (29.7, 30.4), (12.25, 12.5), (44.0, 10_000.0), (10_000.0, 10_001.0)]
    clips = read_clips(str(FLAC), ranges)
    assert len(clips) == len(ranges)
    for (a, b), clip in zip(ranges, clips):
        assert np.array_equal(clip, whole[int(a * SAMPLE_RATE):int(b * SAMPLE_RATE)])
    assert len(clips[1]) == int(30.4 * SAMPLE_RATE) - int(29.7 * SAMPLE_RATE)  # across the 30 s chunk edge
    assert len(clips[-1]) == 0
