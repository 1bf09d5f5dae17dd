"""The shape of a visit's transcript, as the speech pipeline makes it and a Recording keeps it (D63).

These are ``TypedDict``s: a transcript is JSON in events, in ``read.transcripts`` and on
the wire, and stays a plain dict at runtime. The ML package reaches them through
``medisync.application.ports`` (the ``Transcriber`` port's contract).
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class Word(TypedDict):
    start: float
    end: float
    word: str
    probability: float
    heard: NotRequired[str]  # what the first decoding heard, where a drug name was restored (D91)
    restored: NotRequired[str]  # with ``heard``: "medication", "diagnosis" (D99) or "vital" (D137)


class Segment(TypedDict):
    """One speaker's stretch. ASR segments carry times and words; a segment read from
    dialogue text (``[doctor] ...``) only its speaker, role and text."""

    speaker: str
    role: str  # clinician | patient | other | unknown
    text: str
    start: NotRequired[float]
    end: NotRequired[float]
    words: NotRequired[list[Word]]


class TranscriptModel(TypedDict):
    name: str
    version: str
    diarizer: str


class TranscriptMetrics(TypedDict):
    processing_s: float
    rtf: float | None


class TranscriptText(TypedDict):
    """What a transcript says: the part that is PHI, and all a note generator reads."""

    text: str
    segments: list[Segment]


class Transcript(TranscriptText, total=False):
    """What the ``Transcriber`` returns; the worker adds ``metrics``."""

    language: str
    duration_s: float
    model: TranscriptModel
    metrics: TranscriptMetrics


class TranscriptSummary(TypedDict):
    """The part that identifies nobody, kept in clear on the ``Transcribed`` event."""

    language: str | None
    duration_s: float | None
    model: TranscriptModel | None
    metrics: TranscriptMetrics | None
    speaker_count: int
    segment_count: int


class RecordedTranscript(TranscriptSummary, TranscriptText):
    """A Recording's transcript: its summary and its text, as the ``Transcribed`` event holds them."""
