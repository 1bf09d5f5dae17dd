"""Quality floors on a HELD-OUT recorded visit, through the real default speech pipeline.

``heldout-03-hypothyroid`` (61 s, flite + espeak-ng voices) is one of the four visits that
no setting was tuned on (tests/fixtures/heldout/README.md).  The transcriber is built the
way the server builds it, from the default ``Settings`` (model, beam, VAD), and runs the
real faster-whisper model and diarizer.  Floors sit a margin below the measured figures
(docs/ml-speech.md), so they catch a regression (a worse default model, a broken decoding
option, a lost speaker) without depending on machine speed.  No timing assertions.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("faster_whisper")
pytest.importorskip("av")
pytest.importorskip("medwer")

from medisync.ml.asr.medical_wer import medical_terms, medical_word_error  # noqa: E402
from medisync.ml.asr.metrics import word_error  # noqa: E402
from medisync.ml.diarization.encoder import default_checkpoint_path  # noqa: E402
from medisync.ml.model_cache import ModelUnavailable, ensure_model  # noqa: E402

pytestmark = pytest.mark.ml

HELDOUT = Path(__file__).resolve().parent.parent / "fixtures" / "heldout"
VISIT = "heldout-03-hypothyroid"


@pytest.fixture(scope="module")
def truth():
    return json.loads((HELDOUT / f"{VISIT}.truth.json").read_text())


@pytest.fixture(scope="module")
def transcript(truth):
    from medisync.interface.bootstrap import build_transcriber
    from medisync.interface.settings import Settings

    settings = Settings()
    try:
        ensure_model(settings.asr_model)
        default_checkpoint_path()
    except (ModelUnavailable, FileNotFoundError) as exc:
        pytest.skip(f"default speech models not installed: {exc}")
    transcriber = build_transcriber(settings)
    if transcriber is None:
        pytest.skip("ML dependencies missing")
    return transcriber.transcribe(str(HELDOUT / truth["audio"]))


def _reference(truth) -> str:
    return " ".join(t["text"] for t in truth["turns"])


def test_default_model_is_base():
    from medisync.interface.settings import Settings

    assert Settings().asr_model == "base"


def test_word_error_rate_floor(transcript, truth):
    # measured 10.9 % (18 errors / 165 words) with the default base + VAD
    result = word_error(_reference(truth), transcript["text"])
    assert result.wer <= 0.15, (result, transcript["text"])


def test_medical_term_error_rate_floor(transcript, truth):
    # measured 26.7 % (4 / 15 terms; "levothyroxine" is heard as "live with the rock sign")
    result = medical_word_error(_reference(truth), transcript["text"])
    assert result.medical_ref_words == 15
    assert result.medical_wer <= 0.40, (result, medical_terms(transcript["text"]))


def test_diagnosis_and_symptoms_heard(transcript):
    heard = set(medical_terms(transcript["text"]))
    assert {"hypothyroidism", "constipation", "palpitations"} <= heard


def test_two_speakers_and_roles(transcript, truth):
    # measured: 2 speakers, every segment's role right
    assert len({s["speaker"] for s in transcript["segments"]}) == 2
    turns = truth["turns"]
    right = 0
    for seg in transcript["segments"]:
        overlaps = [min(seg["end"], t["end"]) - max(seg["start"], t["start"]) for t in turns]
        right += seg["role"] == turns[int(np.argmax(overlaps))]["role"]
    assert right / len(transcript["segments"]) >= 0.95
