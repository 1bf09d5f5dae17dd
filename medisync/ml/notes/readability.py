"""Flesch-Kincaid grade level, computed here: ``textstat`` needs the CMU
dictionary from nltk at run time, which is not available offline.

Syllables are counted with the usual vowel-group heuristic (silent final "e",
"-le" endings, at least one per word); sentences end at . ! ? or a new line.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n+")


def syllables(word: str) -> int:
    w = word.lower().strip("'")
    if w.isdigit():
        return max(1, len(w))  # "120" is read as "one twenty": about one syllable a digit
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))


def flesch_kincaid_grade(text: str) -> float:
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    syl = sum(syllables(w) for w in words)
    return round(0.39 * len(words) / sentences + 11.8 * syl / len(words) - 15.59, 1)
