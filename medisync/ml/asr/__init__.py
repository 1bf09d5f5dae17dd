"""Speech recognition: faster-whisper backend, text normalisation and WER.

Importing this package loads no model; ``faster_whisper`` is imported when a
:class:`~medisync.ml.asr.whisper.WhisperASR` first transcribes.
"""

from .medical_wer import MedicalWer, medical_word_error
from .metrics import WerResult, wer, word_error
from .normalize import normalize_text
from .whisper import AsrResult, AsrSegment, AsrWord, WhisperASR

__all__ = [
    "AsrResult",
    "AsrSegment",
    "AsrWord",
    "MedicalWer",
    "WerResult",
    "WhisperASR",
    "medical_word_error",
    "normalize_text",
    "wer",
    "word_error",
]
