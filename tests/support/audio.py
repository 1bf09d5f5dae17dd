"""Audio fixtures cut from the shipped dev dialogues."""

from __future__ import annotations

import io
import os
import wave
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def short_clip(target: Path, seconds: float = 8.0) -> Path:
    """The first seconds of a dev dialogue: real speech, a quick ML job."""
    with wave.open(str(FIXTURES / "dev-01-diabetes.wav")) as source:
        params = source.getparams()
        frames = source.readframes(int(params.framerate * seconds))
    with wave.open(str(target), "wb") as clip:
        clip.setparams(params)
        clip.writeframes(frames)
    return target


#: the first four turns of dev-01: greeting, complaint, both medications said with doses (ends at 35.5 s)
OPENING_S = 36.0


def visit_opening(target: Path) -> Path:
    """The opening of a dev visit: both speakers, a complaint and two medications, for an ML job that only
    has to run end to end (the whole visit's ML time is about three times as long)."""
    return short_clip(target, OPENING_S)


def wav_bytes(seconds: float = 1.0, rate: int = 8000) -> bytes:
    """A short, valid, unique WAV (noise), so blobs never collide across tests."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(os.urandom(int(seconds * rate) * 2))
    return buffer.getvalue()
