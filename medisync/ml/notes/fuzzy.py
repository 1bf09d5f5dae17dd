"""String similarity and phonetic keys, imported lazily.

``rapidfuzz`` and ``jellyfish`` (the ``ml`` extra) are used when installed.
Without them the generator still works: ``difflib`` stands in for the Indel
ratio and the phonetic keys degrade to the plain letters, so drug matching
becomes purely orthographic (less tolerant of ASR errors, same thresholds).
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from typing import Any, Callable, Sequence


@lru_cache(maxsize=1)
def _rapidfuzz() -> Any | None:
    try:
        from rapidfuzz import fuzz, process
    except ImportError:  # pragma: no cover - depends on the install
        return None
    return fuzz, process


@lru_cache(maxsize=1)
def _jellyfish() -> Any | None:
    try:
        import jellyfish
    except ImportError:  # pragma: no cover - depends on the install
        return None
    return jellyfish


def ratio(a: str, b: str) -> float:
    """Normalised Indel similarity, 0-100."""
    rf = _rapidfuzz()
    if rf is not None:
        return float(rf[0].ratio(a, b))
    return difflib.SequenceMatcher(None, a, b).ratio() * 100.0  # pragma: no cover


def extract(query: str, choices: Sequence[str], cutoff: float) -> list[tuple[str, float, int]]:
    """(choice, score, index) for every choice with ``ratio >= cutoff``."""
    rf = _rapidfuzz()
    if rf is not None:
        return [(c, float(s), i) for c, s, i in rf[1].extract(query, choices, scorer=rf[0].ratio, score_cutoff=cutoff, limit=None)]
    out = []  # pragma: no cover
    for i, c in enumerate(choices):  # pragma: no cover
        s = ratio(query, c)
        if s >= cutoff:
            out.append((c, s, i))
    return out  # pragma: no cover


def _key(name: str) -> Callable[[str], str]:
    jf = _jellyfish()
    if jf is None:  # pragma: no cover
        return lambda s: s
    fn: Callable[[str], str] = getattr(jf, name)
    return fn


def metaphone(s: str) -> str:
    return _key("metaphone")(s)


def nysiis(s: str) -> str:
    return _key("nysiis")(s)


def ratio_matrix(queries: Sequence[str], choices: Sequence[str]) -> list[list[float]]:
    """``ratio(q, c)`` for every query (rows) and choice (columns), computed in one call."""
    rf = _rapidfuzz()
    if rf is not None:
        import numpy as np

        return rf[1].cdist(queries, choices, scorer=rf[0].ratio, dtype=np.float64).tolist()
    return [[ratio(q, c) for c in choices] for q in queries]  # pragma: no cover
