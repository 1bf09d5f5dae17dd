"""Spoken-number parsing.

ASR output writes numbers either as digits ("152/94", "38.5", "94%",
"1,000") or as words ("one hundred fifty two over ninety four", "thirty
eight point five", "ninety four percent").  ``words_to_number`` parses one
spoken number; ``replace_number_words`` rewrites every run of number words
in a token list into a single digit token so that the extractors only ever
see digits.

Supported forms::

    "one hundred eighty"            -> 180
    "one hundred and twenty"        -> 120
    "a hundred"                     -> 100
    "two thousand five hundred"     -> 2500
    "thirty eight point five"       -> 38.5
    "point five"                    -> 0.5
    "one and a half"                -> 1.5
    "one forty eight" (colloquial)  -> 148   (only "one"/"two" + tens/teens)
    "nineteen"                      -> 19

Two adjacent numbers that cannot belong to one value ("two three") are
split into two tokens.
"""

from __future__ import annotations

from typing import Iterable

UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9,
}
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000}

NUMBER_WORDS = set(UNITS) | set(TEENS) | set(TENS) | set(SCALES)
# "oh" is only a digit inside a number ("one oh five"); never on its own.
_STARTERS = (set(UNITS) - {"oh"}) | set(TEENS) | set(TENS)


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


class _Acc:
    """Accumulator for one number under construction."""

    def __init__(self) -> None:
        self.total = 0
        self.current = 0
        self.last: str | None = None  # unit | teen | tens | hundred | thousand | decimal
        self.decimals: list[int] | None = None
        self.has_scale = False
        self.colloquial = False

    @property
    def empty(self) -> bool:
        return self.last is None

    def value(self) -> float:
        v: float = self.total + self.current
        if self.decimals:
            v += float("0." + "".join(str(d) for d in self.decimals))
        return v

    def accepts(self, word: str) -> bool:
        """Whether ``word`` can extend the current number."""
        if self.last is None:
            return word in _STARTERS
        if word in UNITS:
            if word == "oh":
                return False
            if self.last == "tens":
                return self.current % 10 == 0
            return self.last in ("hundred", "thousand")
        if word in TEENS:
            if self.last in ("hundred", "thousand"):
                return self.current % 100 == 0
            # colloquial "one fifteen" -> 115
            return self.last == "unit" and not self.has_scale and self.current in (1, 2)
        if word in TENS:
            if self.last in ("hundred", "thousand"):
                return self.current % 100 == 0
            return self.last == "unit" and not self.has_scale and self.current in (1, 2) and not self.total
        if word == "hundred":
            return self.last in ("unit", "teen", "tens") and not self.colloquial and self.current < 100
        if word == "thousand":
            return self.last in ("unit", "teen", "tens", "hundred") and self.total == 0 and not self.colloquial
        return False

    def add(self, word: str) -> None:
        if self.decimals is not None:
            self.decimals.append(UNITS[word])
            self.last = "decimal"
            return
        if word in UNITS:
            self.current += UNITS[word]
            self.last = "unit"
        elif word in TEENS:
            if self.last == "unit":
                self.current = self.current * 100 + TEENS[word]
                self.colloquial = True
            else:
                self.current += TEENS[word]
            self.last = "teen"
        elif word in TENS:
            if self.last == "unit":
                self.current = self.current * 100 + TENS[word]
                self.colloquial = True
            else:
                self.current += TENS[word]
            self.last = "tens"
        elif word == "hundred":
            self.current = max(self.current, 1) * 100
            self.has_scale = True
            self.last = "hundred"
        elif word == "thousand":
            self.total += max(self.current, 1) * 1000
            self.current = 0
            self.has_scale = True
            self.last = "thousand"

    def start_decimals(self) -> None:
        self.decimals = []


def words_to_number(text: str | Iterable[str]) -> float | None:
    """Parse a single spoken number; ``None`` when it is not exactly one number.

    >>> words_to_number("one hundred fifty two")
    152
    >>> words_to_number("thirty eight point five")
    38.5
    """
    tokens = text.lower().replace("-", " ").split() if isinstance(text, str) else [t.lower() for t in text]
    tokens = [t for t in tokens if t]
    out = replace_number_words(tokens)
    if len(out) != 1:
        return None
    try:
        value = float(out[0])
    except ValueError:
        return None
    return int(value) if value.is_integer() else value


def is_number(tok: str) -> bool:
    """Whether a token is written in digits ("20", "1.5")."""
    try:
        float(tok)
    except ValueError:
        return False
    return True


def replace_number_words(tokens: list[str]) -> list[str]:
    """Rewrite runs of spoken number words as digit tokens.

    ``tokens`` must be lowercase words/punctuation.  Handles "a hundred",
    "one hundred and twenty", "X point Y", "X and a half" and digit tokens
    followed by "point" words (Whisper sometimes mixes: "38 point five").
    """
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        # "a hundred" / "a thousand"
        starts_with_a = tok == "a" and i + 1 < n and tokens[i + 1] in SCALES
        if _bare_scale(tokens, i):  # "the thousand milligram ones" is 1000 mg (D346)
            out.append(str(SCALES[tok]))
            i += 1
            continue
        if not (tok in _STARTERS or starts_with_a or (tok == "point" and _decimal_digit_at(tokens, i + 1))):
            word, i = _digits_point_words(tokens, i)
            out.append(word)
            continue
        acc, j = _read_number(tokens, i, starts_with_a)
        if acc.empty:
            out.append(tok)
            i += 1
            continue
        value, i = _and_a_half(tokens, j, acc)
        out.append(_fmt(value))
    return out


_MASS_UNITS = frozenset("milligram milligrams mg microgram micrograms mcg units unit".split())


def _bare_scale(tokens: list[str], i: int) -> bool:
    """"the hundred milligram tablets": a scale word after an article and before a unit of mass is that number."""
    return (tokens[i] in SCALES and 0 < i < len(tokens) - 1 and tokens[i - 1] in ("the", "those", "these")
            and tokens[i + 1] in _MASS_UNITS)


def _decimal_digit_at(tokens: list[str], k: int) -> bool:
    """Whether ``tokens[k]`` exists and is a unit word that may follow "point" ("oh" may not)."""
    return k < len(tokens) and tokens[k] in UNITS and tokens[k] != "oh"


def _hundreds_and(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i:i + 3]`` is whole hundreds, "and", and a number below twenty in digits (Whisper writes
    "two hundred and twenty" as 220; "200 and 80" is more likely two readings than 280)."""
    if i + 2 >= len(tokens) or tokens[i + 1] != "and" or (i > 0 and tokens[i - 1] in ("between", "from")):
        return False  # "between 100 and 50" is a range
    head, tail = tokens[i], tokens[i + 2]
    return (head.isdigit() and tail.isdigit() and int(head) >= 100 and int(head) % 100 == 0
            and 0 < int(tail) < 20)


def _digits_point_words(tokens: list[str], i: int) -> tuple[str, int]:
    """The token at ``i`` as it is, or a digit token followed by "point five" as "38.5"; and the index after it."""
    tok, n = tokens[i], len(tokens)
    if _hundreds_and(tokens, i):  # Whisper's "200 and 9" for "two hundred and nine"
        return str(int(tok) + int(tokens[i + 2])), i + 3
    if tok.isdigit() and tokens[i + 1:i + 4] == ["and", "a", "half"]:  # Whisper's "7 and a half" (D172)
        return _fmt(int(tok) + 0.5), i + 4
    if not (is_number(tok) and "." not in tok and i + 2 < n and tokens[i + 1] == "point" and tokens[i + 2] in UNITS):
        return tok, i + 1
    j = i + 2
    digits = []
    while j < n and tokens[j] in UNITS:
        digits.append(str(UNITS[tokens[j]]))
        j += 1
    return tok + "." + "".join(digits), j


def _read_number(tokens: list[str], i: int, starts_with_a: bool) -> tuple[_Acc, int]:
    """The number that starts at ``i``, and the index of the first token after it."""
    acc = _Acc()
    j = i
    if starts_with_a:
        acc.current = 1
        acc.last = "unit"
        j += 1
    while j < len(tokens):
        took = _extend(acc, tokens, j)
        if not took:
            break
        j += took
    return acc, j


def _extend(acc: _Acc, tokens: list[str], j: int) -> int:
    """Extend ``acc`` by the word at ``j``: how many tokens it took (0: the number ends before ``j``)."""
    w = tokens[j]
    if acc.decimals is None and w == "point" and _decimal_digit_at(tokens, j + 1):
        acc.start_decimals()
        if acc.last is None:
            acc.last = "decimal"
        return 1
    if acc.decimals is not None:
        if w in UNITS and w != "oh":
            acc.add(w)
            return 1
        return 0
    # "one hundred and twenty"
    if w == "and" and acc.last in ("hundred", "thousand") and j + 1 < len(tokens) and (
        tokens[j + 1] in UNITS or tokens[j + 1] in TEENS or tokens[j + 1] in TENS
    ) and tokens[j + 1] != "oh":
        return 1
    if w == "oh" and acc.last == "unit" and acc.current in (1, 2) and _decimal_digit_at(tokens, j + 1):
        # "one oh five" -> 105
        acc.current = acc.current * 100 + UNITS[tokens[j + 1]]
        acc.last = "teen"  # nothing more may follow except point
        acc.colloquial = True
        return 2
    if _dose_hundreds(acc, tokens, j):
        # "eight seventy five milligrams" -> 875 (D256): hundreds said without "hundred", before a dose unit
        acc.current = acc.current * 100 + TENS[w]
        acc.last, acc.colloquial = "tens", True
        return 1
    if w != "oh" and acc.accepts(w):
        acc.add(w)
        return 1
    return 0


_DOSE_UNIT_WORDS = frozenset("milligrams milligram mg micrograms microgram mcg units".split())


def _dose_hundreds(acc: _Acc, tokens: list[str], j: int) -> bool:
    """A unit of three to nine, then a tens word, then (after at most one unit word) a dose unit: "eight seventy
    five milligrams", "five twenty five milligrams". One and two are read so anywhere ("one fifteen", D-numbers);
    three to nine only before a dose unit, where "seven thirty" cannot be a time nor "five ten" a height."""
    if tokens[j] not in TENS or acc.last != "unit" or not 3 <= acc.current <= 9 or acc.has_scale or acc.total:
        return False
    rest = tokens[j + 1:j + 4]
    if rest[:1] and rest[0] in UNITS:
        rest = rest[1:]  # "seventy five milligrams": the unit word before the dose unit
    # "three forty milligram tablets" is three tablets of 40 mg, not 340 mg
    return bool(rest) and rest[0] in _DOSE_UNIT_WORDS and not (rest[1:2] and rest[1] in _COUNTED_FORMS)


_COUNTED_FORMS = frozenset("tablet tablets pill pills capsule capsules tabs caps".split())


def _and_a_half(tokens: list[str], j: int, acc: _Acc) -> tuple[float, int]:
    """The number's value, plus 0.5 when "and a half" follows it at ``j``; and the index after it."""
    value = acc.value()
    if j + 2 < len(tokens) and tokens[j] == "and" and tokens[j + 1] == "a" and tokens[j + 2] == "half" and acc.decimals is None:
        return value + 0.5, j + 3
    return value, j
