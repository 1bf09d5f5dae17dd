"""Recordings under 1 s are refused (D42), so the duration must be known for every accepted format.

A browser's MediaRecorder writes WebM as a stream, without a duration in the header: the probe
answered 0.0 s, which the minimum-duration rule would have refused. Such a file is made here the
same way (muxed into a non-seekable stream) with PyAV."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

from medisync.adapters.media_probe import probe_audio


class _Stream(io.RawIOBase):
    """A write-only, non-seekable sink: the muxer cannot go back to write the duration."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, chunk: bytes) -> int:  # type: ignore[override]
        self.data += chunk
        return len(chunk)


def _streamed_webm(seconds: float) -> bytes:
    import av

    sink = _Stream()
    with av.open(sink, mode="w", format="webm") as container:
        stream = container.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        samples = np.random.default_rng(7).integers(-3000, 3000, (1, int(48000 * seconds)), dtype=np.int16)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = 48000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return bytes(sink.data)


def test_a_streamed_webm_without_a_header_duration_is_measured(tmp_path: Path) -> None:
    path = tmp_path / "browser.webm"
    path.write_bytes(_streamed_webm(3.0))
    found = probe_audio(str(path))
    assert found.content_type == "audio/webm" and 2.9 <= found.duration_s <= 3.1


def test_an_empty_wav_lasts_zero_seconds(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(16000)
    assert probe_audio(str(path)).duration_s == 0.0
