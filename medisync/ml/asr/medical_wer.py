"""Medical-term word error rate with the ``medwer`` protocol (MIT; docs/decisions.md D34).

``medwer`` normalises both texts with Whisper's pinned ``EnglishTextNormalizer``, keeps
only the words and phrases of its fixed 19,373-entry term list (Health Canada drug
products, ICD-10-CM; a multi-word term counts as one token), and scores the WER of what
remains.  This module returns the *counts* (edits and reference words, overall and
medical) per text, so a benchmark can pool them over files and splits; the pooled
rate equals ``medwer.Scorer().corpus(refs, hyps)`` with one utterance per file.

``medwer`` is a development/benchmark dependency (``pip install 'medisync[dev]'``); it
is imported on first use, never at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class MedicalWer:
    """Edit counts under the medwer protocol; add them to pool files."""

    edits: int
    ref_words: int
    medical_edits: int
    medical_ref_words: int

    @property
    def wer(self) -> float | None:
        return self.edits / self.ref_words if self.ref_words else None

    @property
    def medical_wer(self) -> float | None:
        return self.medical_edits / self.medical_ref_words if self.medical_ref_words else None

    def __add__(self, other: "MedicalWer") -> "MedicalWer":
        return MedicalWer(self.edits + other.edits, self.ref_words + other.ref_words,
                          self.medical_edits + other.medical_edits,
                          self.medical_ref_words + other.medical_ref_words)


ZERO = MedicalWer(0, 0, 0, 0)


@lru_cache(maxsize=1)
def _scorer():
    try:
        from medwer import Scorer
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError("medical WER needs the 'medwer' package (pip install 'medisync[dev]')") from exc
    return Scorer()


def medical_terms(text: str) -> list[str]:
    """The term-list matches of ``text`` after normalisation (phrases joined with ``_``)."""
    from medwer.wer import keep_medical

    scorer = _scorer()
    return keep_medical(scorer.norm(text), scorer.entries, scorer.max_tokens).split()


def medical_word_error(reference: str, hypothesis: str) -> MedicalWer:
    """medwer's WER and medical-term WER counts for one reference/hypothesis pair."""
    from medwer.wer import keep_medical, wer

    scorer = _scorer()
    ref, hyp = scorer.norm(reference), scorer.norm(hypothesis)
    if not ref.strip():
        return ZERO
    edits, words, _ = wer(ref, hyp)
    med_edits, med_words, _ = wer(keep_medical(ref, scorer.entries, scorer.max_tokens),
                                  keep_medical(hyp, scorer.entries, scorer.max_tokens))
    return MedicalWer(edits, words, med_edits, med_words)
