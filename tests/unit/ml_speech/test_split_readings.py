"""D90: a speaker cluster of a multi-speaker result whose two halves take both sides of a visit is two people.

Runs the real labelling (resegmentation, split readings) and the transcriber's role pass on the 18
brief-speaker tune clips (``tests/fixtures/diarization_points/brief``: the real encoder's window
embeddings plus, in ``<id>.words.json``, the default ASR's words, the word spans and pauses that
``prepare`` refined, and the reference turns), without audio, Whisper or model weights.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from medisync.ml.asr.whisper import AsrResult, AsrSegment, AsrWord
from medisync.ml.diarization.clustering import ClusteringResult
from medisync.ml.diarization.metrics import diarization_error
from medisync.ml.diarization.resemblyzer_backend import Prepared, ResemblyzerDiarizer, _Window
from medisync.ml.transcription import SpeechTranscriber

BRIEF = Path(__file__).resolve().parents[2] / "fixtures" / "diarization_points" / "brief"
CLIPS = sorted(BRIEF.glob("*.npz"))


class StoredASR:
    def __init__(self, record: dict) -> None:
        self.segments = [AsrSegment(s["start"], s["end"], s["text"],
                                    [AsrWord(a, b, w, 0.9) for a, b, w in s["words"]]) for s in record["segments"]]
        self.duration = float(record["duration_s"])

    def load(self) -> "StoredASR":
        return self

    def transcribe(self, path: str) -> AsrResult:
        return AsrResult("en", self.duration, self.segments, "stored-base-words", "0")


class StoredDiarizer(ResemblyzerDiarizer):
    """The real diarizer on the stored ``prepare`` output (window embeddings, regions, spans, pauses)."""

    def __init__(self, prepared: Prepared, **options) -> None:
        super().__init__(**options)
        self.prepared = prepared

    def prepare(self, audio_path: str, spans=None) -> Prepared:
        return self.prepared


def _clip(path: Path) -> tuple[Prepared, dict]:
    record = json.loads(path.with_suffix(".words.json").read_text())
    with np.load(path) as z:
        windows = [_Window(int(s), int(e)) for s, e in zip(z["starts"], z["ends"])]
        prepared = Prepared([tuple(s) for s in record["spans"]], [tuple(r) for r in z["regions"]], windows,
                            z["emb"], [tuple(p) for p in record["pauses"]], {})
    return prepared, record


def _run(path: Path, **options) -> tuple[int, int, float, float]:
    """(speakers found, true speakers, DER's error seconds, scored seconds) for one clip."""
    prepared, record = _clip(path)
    out = SpeechTranscriber(asr=StoredASR(record), diarizer=StoredDiarizer(prepared, **options)).transcribe("x.wav")
    ref = [tuple(r) for r in record["reference"]]
    der = diarization_error(ref, [(s["start"], s["end"], s["speaker"]) for s in out["segments"]])
    found = len({s["speaker"] for s in out["segments"]})
    return found, len({r[2] for r in ref}), der.missed + der.false_alarm + der.confusion, der.total


@pytest.fixture(scope="module")
def results() -> dict[str, list[tuple[int, int, float, float]]]:
    assert len(CLIPS) == 18
    return {"d90": [_run(p) for p in CLIPS], "without": [_run(p, split_readings=False) for p in CLIPS]}


def test_doctor_and_patient_merged_in_one_cluster_are_split(results):
    """Measured 11 of 18 right with split readings (b01, b07 and b12: doctor and patient were one
    cluster), 8 of 18 without; never too many either way.  Floor 10: one file of slack for BLAS,
    and it fails at the old 8."""
    with_split = results["d90"]
    assert sum(found == true for found, true, _, _ in with_split) >= 10
    assert sum(found > true for found, true, _, _ in with_split) <= 1  # measured 0: one file of slack for BLAS
    assert sum(found == true for found, true, _, _ in results["without"]) <= 9


def test_the_split_lowers_the_pooled_error(results):
    """Pooled DER on the transcript's segments (0.25 s collar): measured 9.7% with split readings,
    13.3% without (b01 54.5% -> 16.9%, b07 25.0% -> 13.8%, b12 25.3% -> 8.0%; no other clip moves).
    Ceiling 11.5%: it fails without the change."""
    def pooled(rows):
        return sum(r[2] for r in rows) / sum(r[3] for r in rows)

    assert pooled(results["d90"]) <= 0.115 < pooled(results["without"])


def test_split_readings_are_offered_only_for_two_or_more_speakers():
    prepared, _ = _clip(CLIPS[0])
    result = StoredDiarizer(prepared).label(prepared)
    assert result.n_speakers >= 2 and result.alternative is None
    assert result.splits and all(r.split_pair and r.n_speakers == result.n_speakers + 1 for r in result.splits)
    assert not StoredDiarizer(prepared, split_readings=False).label(prepared).splits



def test_the_split_pair_is_found_by_centroid_index_not_by_value():
    """The halves are centroids 1 and 2; centroid 0 has the same values as half 2 (a value match
    would name three speakers).  Speakers are numbered by first appearance: 2 -> 0, 0 -> 1, 1 -> 2."""
    spans = [(0.0, 0.5), (0.6, 1.0), (1.1, 1.5), (1.6, 2.0)]
    prepared = Prepared(spans, [(0.0, 2.0)], [], np.zeros((0, 2), np.float32), [], {})
    cents = np.array([[0.6, 0.8], [1.0, 0.0], [0.6, 0.8]], dtype=np.float32)
    cl = ClusteringResult(np.zeros(0, dtype=np.int64), cents, 3, [], 0, 0)
    labels = np.array([2, 0, 2, 1])
    diarizer = ResemblyzerDiarizer()
    result = diarizer._result(prepared, cl, [0, 1, 2, 3], np.array(spans), labels, 0.0, halves=(1, 2))
    assert result.span_speakers == [0, 1, 0, 2] and result.split_pair == (0, 2)
    unsplit = diarizer._result(prepared, cl, [0, 1, 2, 3], np.array(spans), np.array([2, 0, 2, 0]), 0.0,
                               halves=(1, 2))
    assert unsplit.split_pair is None  # half 1 labels no word
    assert diarizer._result(prepared, cl, [0, 1, 2, 3], np.array(spans), labels, 0.0).split_pair is None
