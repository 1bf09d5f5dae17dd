"""The conditions a segment's low-confidence words sound like: diagnosis hotwords for the second,
biased decoding of D91 (D99).

"the topic dermatitis" (atopic dermatitis), "a real fibrillation" (atrial fibrillation): Whisper hears
a diagnosis as ordinary words as it does a drug.  The spoken names of the curated condition map
(``notes/data/conditions.json``, name and synonyms, 8 letters or more) are compared with every stretch
of one to five words holding a word below the probability limit, by the same letters-and-sound
similarity the drug candidates use.  A stretch that already is a condition's name proposes nothing
("hypertension" never proposes "hypotension"), nor does a name the segment already says.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .asr.whisper import AsrWord
from .notes.drugs import similarity
from .notes.fuzzy import extract
from .notes.lexicon import load_json

MAX_WORDS = 5
#: words that carry no sound of a term: never the low-confidence word that opens a stretch, dropped from
#: the words a restored term replaces
FUNCTION_WORDS = frozenset("to the a an of and in on at for your his her my their with it by as is".split())


@lru_cache(maxsize=1)
def condition_names() -> tuple[str, ...]:
    """Spoken names of the curated conditions, lower case, letters and spaces, 8 letters or more."""
    data = load_json("conditions.json")
    names = {n.lower() for e in data["conditions"] for n in (e["name"], *e["synonyms"])}
    return tuple(sorted(n for n in names if re.fullmatch(r"[a-z ]+", n) and len(n.replace(" ", "")) >= 8))


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    return frozenset(condition_names())


def _norm(word: str) -> str:
    return re.sub(r"[^a-z]", "", word.lower())


def condition_candidates(words: list[AsrWord], max_probability: float, min_score: float,
                         limit: int = 2) -> list[str]:
    """The condition names the segment's low-confidence stretches sound like, best first."""
    names = condition_names()
    known = _known_names()
    toks = [_norm(w.word) for w in words]
    said = f" {' '.join(t for t in toks if t)} "
    best: dict[str, float] = {}
    for s in range(len(toks)):
        for e in range(s + 1, min(s + MAX_WORDS, len(toks)) + 1):
            stretch = " ".join(t for t in toks[s:e] if t)
            if len(stretch.replace(" ", "")) < 8 or stretch in known:
                continue
            if min((w.probability for w, t in zip(words[s:e], toks[s:e]) if t not in FUNCTION_WORDS),
                   default=1.0) >= max_probability:
                continue
            for name, _raw, _i in extract(stretch, names, 60):
                score = similarity(stretch, name)
                if score >= min_score and score > best.get(name, 0.0) and f" {name} " not in said:
                    best[name] = score
    return sorted(best, key=lambda n: -best[n])[:limit]
