"""A line of a drafted note and where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from medisync.application.ports import SectionLine

from .text import Sentence


@dataclass(frozen=True)
class NoteLine:
    """One sentence of the note.

    ``kind`` is the content kind (``templates.CONTENT_KINDS``); ``origin`` is
    ``transcript`` (a spoken sentence in reported speech) or ``facts`` (written
    from the extracted insights); ``segment_ids`` index ``transcript.segments``;
    ``problem`` is the ICD-10-CM category of the coded problem an assessment or
    plan line belongs to (``problems.py``), when that is clear.
    """

    kind: str
    text: str
    segment_ids: tuple[int, ...]
    origin: str
    problem: str | None = None

    def as_dict(self) -> SectionLine:
        out: SectionLine = {"kind": self.kind, "text": self.text, "segment_ids": list(self.segment_ids),
                            "origin": self.origin}
        if self.problem:
            out["problem"] = self.problem
        return out


def segments_of(sentences: Iterable[Sentence]) -> tuple[int, ...]:
    return tuple(sorted({sid for s in sentences for sid in s.segment_ids}))


def mentioning(sentences: list[Sentence], phrase: str | None, limit: int = 3) -> tuple[int, ...]:
    """Segment ids of the first sentences whose words contain ``phrase``."""
    if not phrase:
        return ()
    needle = " " + " ".join(phrase.lower().split()) + " "
    hits = [s for s in sentences if needle in " " + s.norm + " "]
    if not hits:
        head = phrase.lower().split()[0]
        hits = [s for s in sentences if head in s.toks]
    return segments_of(hits[:limit])
