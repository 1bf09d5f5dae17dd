"""Word error rate."""

from __future__ import annotations

from dataclasses import dataclass

from .normalize import normalize_text


@dataclass(frozen=True)
class WerResult:
    substitutions: int
    deletions: int
    insertions: int
    ref_words: int

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def wer(self) -> float:
        if self.ref_words == 0:
            return 0.0 if self.errors == 0 else float("inf")
        return self.errors / self.ref_words

    def __add__(self, other: "WerResult") -> "WerResult":
        return WerResult(
            self.substitutions + other.substitutions,
            self.deletions + other.deletions,
            self.insertions + other.insertions,
            self.ref_words + other.ref_words,
        )


def align_counts(ref: list[str], hyp: list[str]) -> WerResult:
    """Levenshtein alignment over word lists; returns S/D/I counts."""
    n, m = len(ref), len(hyp)
    # each cell: (cost, subs, dels, ins)
    prev = [(j, 0, 0, j) for j in range(m + 1)]
    for i in range(1, n + 1):
        cur = [(i, 0, i, 0)]
        r = ref[i - 1]
        for j in range(1, m + 1):
            d = prev[j - 1]
            if r == hyp[j - 1]:
                best = d
            else:
                best = (d[0] + 1, d[1] + 1, d[2], d[3])
            up = prev[j]
            if up[0] + 1 < best[0]:
                best = (up[0] + 1, up[1], up[2] + 1, up[3])
            left = cur[j - 1]
            if left[0] + 1 < best[0]:
                best = (left[0] + 1, left[1], left[2], left[3] + 1)
            cur.append(best)
        prev = cur
    _, s, d, ins = prev[m]
    return WerResult(s, d, ins, n)


def word_error(reference: str, hypothesis: str, normalize: bool = True) -> WerResult:
    """Compare two texts; with ``normalize`` both go through :func:`normalize_text`."""
    if normalize:
        reference, hypothesis = normalize_text(reference), normalize_text(hypothesis)
    return align_counts(reference.split(), hypothesis.split())


def wer(reference: str, hypothesis: str, normalize: bool = True) -> float:
    return word_error(reference, hypothesis, normalize).wer
