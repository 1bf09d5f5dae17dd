"""Speaker diarization: who spoke when.

``Diarizer`` is the protocol; :func:`default_diarizer` returns the default
backend (resemblyzer's speaker encoder re-implemented in numpy, see
:mod:`.resemblyzer_backend`).  Importing this package is cheap: numpy-heavy
modules load only when a backend is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence, runtime_checkable


@dataclass(frozen=True)
class SpeakerTurn:
    """A stretch of speech attributed to one speaker (index 0..n-1)."""

    start: float
    end: float
    speaker: int


@dataclass(frozen=True)
class Span:
    """A unit of speech to attribute, e.g. one ASR word.

    ``group`` optionally names the ASR segment (sentence) the word belongs to;
    backends may use it to resolve words whose timestamps fall in a pause.
    """

    start: float
    end: float
    group: int | None = None


@dataclass
class DiarizationResult:
    turns: list[SpeakerTurn]
    n_speakers: int
    #: per input span (same order as given), the speaker index; empty when no spans were given
    span_speakers: list[int] = field(default_factory=list)
    #: per speaker, the L2-normalised centroid embedding (for role/identity heuristics)
    centroids: list[list[float]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    #: per input span, its (start, end) after the backend's boundary
    #: refinement (e.g. word edges moved out of detected pauses); empty if none
    span_bounds: list[tuple[float, float]] = field(default_factory=list)
    #: when one speaker was found, the best two-speaker reading of the same speech (or None);
    #: the acoustics alone cannot tell two similar voices from one, so the caller decides
    #: from what was said (:func:`~.roles.takes_both_sides`, D68)
    alternative: "DiarizationResult | None" = None
    #: when two or more speakers were found, per speaker cluster that splits, the reading of the same
    #: speech with that cluster in two halves (largest cluster first); the caller keeps one only when
    #: the halves take the two sides of a visit (:func:`~.roles.takes_both_sides`, D90)
    splits: "list[DiarizationResult]" = field(default_factory=list)
    #: in a reading of ``splits``, the two speakers that are the split cluster's halves
    split_pair: tuple[int, int] | None = None


@runtime_checkable
class Diarizer(Protocol):
    """Attributes speech to anonymous speakers."""

    name: str

    def diarize(self, audio_path: str, spans: Sequence[Span] | None = None) -> DiarizationResult:
        """Diarize ``audio_path``.

        ``spans`` (optional) are the time spans of recognised words; when
        given the backend uses them as its speech detector and labels each
        one (``span_speakers``), which keeps speaker changes on word
        boundaries.  Without them the backend detects speech itself.
        """
        ...


def default_diarizer(**kwargs: Any) -> Diarizer:
    """The default backend (numpy resemblyzer encoder + AHC + resegmentation)."""
    from .resemblyzer_backend import ResemblyzerDiarizer

    return ResemblyzerDiarizer(**kwargs)


__all__ = ["Diarizer", "DiarizationResult", "Span", "SpeakerTurn", "default_diarizer"]
