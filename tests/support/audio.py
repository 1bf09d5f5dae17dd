"""Audio fixtures cut from the shipped dev dialogues."""

from __future__ import annotations

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
