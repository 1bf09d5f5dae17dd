"""A visit opened by an abnormal result the clinician reports (D240).

"I wanted to go over last week's blood work. Your vitamin B twelve came back low." and "Your vitamin D came back at
eleven. We like it above thirty." open visits whose reason is the result, not the tiredness the patient tells
next. Read from the clinician's statements in the visit's first turns: the patient's ("your", "her", "his") lab
analyte of the order lexicon, then a result word after it (low, high, elevated, deficient) or a value the next
sentences set against a target ("we like it above thirty"); not a result of before ("last time"). The complaint is
the analyte as said: "low vitamin D".
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import load_json
from .text import PhraseMatcher, Sentence, Turn

#: the turns a visit's reason is told in
_OPENING = 5
_OWNERS = frozenset("your her his their the".split())
_SAID = re.compile(r"^(?:levels? |numbers? |results? )?(?:came back|come back|is|was|were|are|has been|looks|looked|showed)"
                   r"(?: (?:a little|a bit|quite|very|really|pretty|still|too|slightly))? (?P<how>low|high|elevated|deficient)\b"
                   r"|^(?:levels? )?(?:came back|come back|was|is) (?:at )?(?P<value>\d+(?:\.\d+)?)\b")
_TARGET = re.compile(r"\b(?:like|want|need|aim for|hope for|expect|prefer) (?:it|them|that|to see it) (?P<side>above|over|"
                     r"below|under) (?P<limit>\d+(?:\.\d+)?)\b")
#: a result of before, not the one this visit is about
_BEFORE = re.compile(r"\b(?:last time|last year|last visit|previously|before|in the past|back then|years ago)\b")
_HOW = {"low": "low", "deficient": "low", "high": "high", "elevated": "high"}


def _split_code(word: str) -> list[str]:
    """"b12" as the normaliser reads "B twelve": "b 12"."""
    m = re.fullmatch(r"([a-z]+)(\d+)", word)
    return [m.group(1), m.group(2)] if m else [word]


@lru_cache(maxsize=1)
def _analytes() -> PhraseMatcher[str]:
    """The order lexicon's lab items by their terms without a trailing "level" or "test"."""
    matcher: PhraseMatcher[str] = PhraseMatcher()
    for entry in load_json("orders.json")["orders"]:
        if entry["kind"] != "lab":
            continue
        for term in entry["terms"]:
            words = [w for word in term.split() for w in _split_code(word)]
            while words and words[-1] in ("level", "levels", "test"):
                words.pop()
            if words:
                matcher.add(" ".join(words), entry["name"])
    return matcher.finalize()


def _against_target(value: float, later: list[Sentence]) -> str | None:
    """"low" for a value under the first target said ("we like it above thirty"), "high" for one over it."""
    for sent in later:
        m = _TARGET.search(sent.norm)
        if m:
            limit = float(m.group("limit"))
            if m.group("side") in ("above", "over"):
                return "low" if value < limit else None
            return "high" if value >= limit else None
    return None


def _result_in(sent: Sentence, later: list[Sentence]) -> str | None:
    for m in _analytes().find(sent.content):
        ts, te = sent.raw_span(m.start, m.end)
        said = _SAID.match(" ".join(sent.toks[te:te + 8]))
        if ts == 0 or sent.toks[ts - 1] not in _OWNERS or said is None or _BEFORE.search(" ".join(sent.toks[te:])):
            continue
        how = _HOW[said.group("how")] if said.group("how") else _against_target(float(said.group("value")), later)
        if how:
            return f"{how} {_as_written(sent.toks[ts:te])}"
    return None


def _as_written(words: list[str]) -> str:
    """The analyte as said, its letters as a note writes them: "vitamin d" -> "vitamin D", "b 12" -> "B12",
    "tsh" -> "TSH"."""
    text = re.sub(r"\b([a-z]) (\d+)\b", lambda m: m.group(1).upper() + m.group(2), " ".join(words))
    text = re.sub(r"\b[a-z]\b", lambda m: m.group(0).upper(), text)
    return re.sub(r"\b[b-df-hj-np-tv-z]{2,4}\b", lambda m: m.group(0).upper(), text)


def abnormal_result(turns: list[Turn]) -> str | None:
    """"low vitamin D" when the clinician opens the visit with it, else None."""
    for turn in turns[:_OPENING]:
        if turn.role != "clinician":
            continue
        sents = [s for s in turn.sentences if not s.is_question]
        for i, sent in enumerate(sents):
            found = _result_in(sent, sents[i:i + 3])
            if found:
                return found
    return None

