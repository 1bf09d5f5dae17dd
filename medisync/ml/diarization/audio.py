"""Streaming audio decoding to 16 kHz mono float32.

PyAV (already a faster-whisper dependency) decodes any container/codec and
resamples; we yield bounded chunks instead of materialising the whole file,
so the diarization front end stays O(chunk) in memory.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

SAMPLE_RATE = 16000


def read_clips(path: str, ranges: list[tuple[float, float]], sample_rate: int = SAMPLE_RATE) -> list[np.ndarray]:
    """The samples of each ``(start_s, end_s)`` range, read in one decoding pass that keeps only those
    samples (a long recording is never held whole)."""
    bounds = [(max(0, int(a * sample_rate)), max(0, int(b * sample_rate))) for a, b in ranges]
    parts: list[list[np.ndarray]] = [[] for _ in bounds]
    offset = 0
    for chunk in iter_audio(path, sample_rate=sample_rate):
        end = offset + len(chunk)
        for (lo, hi), out in zip(bounds, parts):
            if lo < end and hi > offset:
                out.append(chunk[max(lo - offset, 0):min(hi, end) - offset])
        offset = end
    return [np.concatenate(p) if p else np.zeros(0, dtype=np.float32) for p in parts]


def iter_audio(path: str, chunk_seconds: float = 30.0, sample_rate: int = SAMPLE_RATE) -> Iterator[np.ndarray]:
    """Yield consecutive float32 chunks (about ``chunk_seconds`` long) of the decoded signal."""
    import av  # local import: heavy, only needed when audio is actually decoded

    target = max(1, int(chunk_seconds * sample_rate))
    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=sample_rate)
    pending: list[np.ndarray] = []
    pending_len = 0

    def _take(frame) -> np.ndarray:
        arr = frame.to_ndarray()
        return arr.reshape(-1).astype(np.float32) / 32768.0

    with av.open(path, mode="r") as container:
        stream = container.streams.audio[0]
        for packet_frame in container.decode(stream):
            try:
                resampled = resampler.resample(packet_frame)
            except av.error.InvalidDataError:  # pragma: no cover - corrupt frame
                continue
            for frame in resampled:
                arr = _take(frame)
                pending.append(arr)
                pending_len += len(arr)
                while pending_len >= target:
                    joined = np.concatenate(pending)
                    yield joined[:target]
                    rest = joined[target:]
                    pending, pending_len = ([rest] if len(rest) else []), len(rest)
        for frame in resampler.resample(None):  # flush
            arr = _take(frame)
            pending.append(arr)
            pending_len += len(arr)
    if pending_len:
        yield np.concatenate(pending)
