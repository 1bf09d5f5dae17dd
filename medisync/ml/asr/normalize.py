"""Text normalisation for word-error-rate scoring.

The reference transcripts spell numbers out ("one hundred forty eight"), while
Whisper writes them either way ("148", "8.4%", "A1C").  ``normalize_text``
maps both sides onto the same form: lowercase, no punctuation, numbers as
spoken words, a handful of common abbreviations expanded.  It is a scoring
aid only; the transcript served to clients keeps Whisper's text.
"""

from __future__ import annotations

import re

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"))

_ORDINAL_WORDS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth",
    "eight": "eighth", "nine": "ninth", "twelve": "twelfth",
}

# Abbreviations Whisper commonly emits for words the speakers say in full.
_ABBREVIATIONS = {
    "mr": "mister", "mrs": "missus", "ms": "miss", "dr": "doctor",
    "mg": "milligrams", "mcg": "micrograms", "kg": "kilograms", "g": "grams",
    "ml": "milliliters", "lbs": "pounds", "lb": "pounds", "cm": "centimeters",
    "mm": "millimeters", "hr": "hour", "hrs": "hours", "min": "minutes",
    "mins": "minutes", "bpm": "beats per minute", "vs": "versus", "ok": "okay",
    "st": "saint",
}

_SYMBOLS = {"%": " percent ", "&": " and ", "+": " plus ", "°": " degrees ", "@": " at "}


def int_to_words(n: int) -> str:
    """Spell a non-negative integer the American way, without "and".

    >>> int_to_words(148)
    'one hundred forty eight'
    """
    if n < 0:
        return "minus " + int_to_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _ONES[hundreds] + " hundred" + ("" if rest == 0 else " " + int_to_words(rest))
    for value, name in _SCALES:
        if n >= value:
            high, rest = divmod(n, value)
            return int_to_words(high) + " " + name + ("" if rest == 0 else " " + int_to_words(rest))
    raise AssertionError("unreachable")


def _ordinal(words: str) -> str:
    parts = words.split()
    last = parts[-1]
    if last in _ORDINAL_WORDS:
        parts[-1] = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        parts[-1] = last[:-1] + "ieth"
    else:
        parts[-1] = last + "th"
    return " ".join(parts)


def number_to_words(token: str) -> str:
    """Spell a numeric token: ``"8.4"`` -> ``"eight point four"``, ``"1,200"``, ``"3rd"``."""
    token = token.replace(",", "")
    m = re.fullmatch(r"(\d+)(st|nd|rd|th)", token)
    if m:
        return _ordinal(int_to_words(int(m.group(1))))
    if "." in token:
        whole, frac = token.split(".", 1)
        head = int_to_words(int(whole)) if whole else "zero"
        return head + " point " + " ".join(_ONES[int(d)] for d in frac if d.isdigit())
    return int_to_words(int(token))


_NUMBER_RE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?(?:st|nd|rd|th)?")


def normalize_text(text: str) -> str:
    """Lowercase, spell numbers, expand abbreviations, drop punctuation."""
    s = text.lower()
    s = s.replace("’", "'").replace("‘", "'")
    # "A1C" -> "a 1 c", "20mg" -> "20 mg" (but keep ordinals such as "3rd" intact)
    s = re.sub(r"(?<=[a-z])(?=\d)", " ", s)
    s = re.sub(r"(?<=\d)(?=[a-z])(?!(?:st|nd|rd|th)\b)", " ", s)
    # Blood-pressure style "148/94" is read "over".
    s = re.sub(r"(?<=\d)\s*/\s*(?=\d)", " over ", s)
    for sym, word in _SYMBOLS.items():
        s = s.replace(sym, word)
    s = _NUMBER_RE.sub(lambda m: " " + number_to_words(m.group(0)) + " ", s)
    # Hyphens and slashes separate words ("x-ray", "follow-up").
    s = re.sub(r"[-/]", " ", s)
    s = re.sub(r"[^a-z' ]+", " ", s)
    words = []
    for w in s.split():
        w = w.strip("'")
        if not w:
            continue
        words.extend(_ABBREVIATIONS.get(w, w).split())
    return " ".join(words)
