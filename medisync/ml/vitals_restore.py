"""Vital signs heard again: a second decoding of the segments that state them, numbers spelt out (D137).

Whisper writes a spoken reading as digits, and a reading said the way clinicians say it ("one eighteen over
seventy-four") comes out as "when 18 over 74", "132 already 4" or "on 26 over 78": no reading, or a wrong
one.  Asked to write numbers as words (an ``initial_prompt`` of vitals with spelt numbers, none of them a
plausible reading of ours to copy), the same audio is heard as said far more often.  This pass:

1. **Segments.**  Each segment that names a vital sign (blood pressure, pulse, temperature, weight, ...) is
   decoded again with the prompt, at temperature 0 with word timings.
2. **Trust.**  The second decoding is discarded whole when it does not agree with the first on the rest of
   the segment, is much longer (a decoding that has started to repeat the prompt), or says a number of the
   prompt the first did not.
3. **Blocks.**  Where the two differ, each changed stretch is taken from the second decoding only when the
   note's own vitals reader (``notes.vitals``) reads more from it, or reads a different value where a word
   the first decoding heard there was doubted (probability below ``doubted``); never when it loses a
   reading, nor when it replaces a word (not a number) the first decoding heard clearly.  Everything else
   stays as first heard.

Every word taken carries ``heard`` (what the first decoding heard there), so the transcript shows the change
and the note lists it for review, like a restored drug name (D91).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Callable

import numpy as np

from .asr.whisper import AsrResult, AsrSegment, AsrWord
from .drug_restore import Clips, scored_tokens, segment_clips
from .notes.numbers import NUMBER_WORDS
from .notes.vitals import read_statement

#: the bias: vital signs with their numbers spelt out; numbers that none of our readings use
VITALS_PROMPT = ("Vital signs: blood pressure one forty-six over ninety-one, pulse fifty-three, "
                 "temperature ninety-nine point one, weight one sixty-seven pounds.")
_PROMPT_NUMBERS = ("one forty six", "ninety one", "fifty three", "ninety nine point one", "one sixty seven")
_CUE = re.compile(r"\b(blood pressure|pulse|heart rate|temperature|weigh\w*|oxygen|saturation|sats|respirat\w*|"
                  r"breathing)\b", re.I)

_NUMERIC = NUMBER_WORDS | {"point"}
_COUNTING = _NUMERIC | {"and"}  # "two hundred and nine" is one number

#: a clip and the number of words first heard in it -> the words heard again, times relative to the clip
Redecode = Callable[[np.ndarray, int], list[AsrWord]]


@dataclass(frozen=True)
class VitalsSettings:
    doubted: float = 0.6        # a first-heard number below this may be corrected, not only completed
    clear: float = 0.9          # a first-heard word (not a number) at or above this is never replaced
    min_agreement: float = 0.6  # the two decodings, as the WER scorer reads them
    max_growth: float = 1.5     # the second decoding's tokens at most this many times the first's (+ 4)
    pad_s: float = 0.2


@dataclass(frozen=True)
class VitalsRestoration:
    segment: int
    heard: str
    said: str


_UNIT = re.compile(r"-(?=(?:" + "|".join(sorted(NUMBER_WORDS)) + r")\b)", re.I)  # "forty-six", "hundred-eighteen"


def _tokens(words: list[AsrWord]) -> tuple[list[str], list[int]]:
    """The words as the WER scorer reads them, with each token's word; "forty-six" is two numbers."""
    return scored_tokens([_UNIT.sub(" ", w.word) for w in words])


def _trusted(a: list[str], b: list[str], settings: VitalsSettings) -> bool:
    if len(b) > settings.max_growth * len(a) + 4:
        return False
    said = " ".join(a)
    if any(f" {n} " in f" {' '.join(b)} " and f" {n} " not in f" {said} " for n in _PROMPT_NUMBERS):
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= settings.min_agreement


def _number(token: str) -> bool:
    return token in _COUNTING


def _cuts(a: list[str], a_of: list[int], b: list[str], b_of: list[int]) -> list[tuple[int, int]]:
    """Token positions ``(p, q)`` where the two decodings agree and a word starts in both: the places a
    stretch of one may be swapped for the other's without splitting a word."""
    def starts(p: int, toks: list[str], of: list[int]) -> bool:
        # a word starts here, and not inside a number ("eighty | 4" would splice one number from two)
        return p == 0 or p == len(of) or (of[p] != of[p - 1] and not (_number(toks[p - 1]) and _number(toks[p])))
    cuts = {(0, 0), (len(a), len(b))}
    for tag, i, j, k, _m in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            cuts |= {(i + d, k + d) for d in range(j - i + 1)
                     if starts(i + d, a, a_of) and starts(k + d, b, b_of)}
    return sorted(cuts)


def _blocks(old: list[AsrWord], new: list[AsrWord]) -> list[tuple[int, int, int, int]]:
    """The changed stretches ``(i, j, k, m)``: old words ``i:j`` heard again as new words ``k:m``, whole words
    between places where the decodings agree."""
    (a, a_of), (b, b_of) = _tokens(old), _tokens(new)
    def old_word(p: int) -> int:
        return 0 if p == 0 else a_of[p] if p < len(a) else len(old)
    def new_word(q: int) -> int:
        return 0 if q == 0 else b_of[q] if q < len(b) else len(new)
    cuts = _cuts(a, a_of, b, b_of)
    out: list[tuple[int, int, int, int]] = []
    for (p0, q0), (p1, q1) in zip(cuts, cuts[1:]):
        if a[p0:p1] == b[q0:q1]:
            continue
        i, j, k, m = old_word(p0), old_word(p1), new_word(q0), new_word(q1)
        if out and out[-1][1] == i and i < j:
            i, k = out[-1][0], out.pop()[2]  # touching stretches are one change
        out.append((i, j, k, m))
    return out


def _holds_number(word: str) -> bool:
    """A word that says (part of) a number: a digit, a number word, "point"."""
    return any(t in _NUMERIC for t in scored_tokens([_UNIT.sub(" ", word)])[0])


def _words_text(words: list[AsrWord]) -> str:
    return "".join(w.word for w in words)


def _better(before: dict, after: dict, doubted: bool) -> bool:
    """Whether the reading ``after`` a change improves on ``before``: more read, nothing lost, and a value
    changed only where the first decoding was doubted."""
    read_b = {k: v for k, v in before.items() if v is not None}
    read_a = {k: v for k, v in after.items() if v is not None}
    if not read_b.keys() <= read_a.keys() or read_a == read_b:
        return False
    return doubted or all(read_a[k] == v for k, v in read_b.items())


def splice(old: list[AsrWord], new: list[AsrWord], settings: VitalsSettings = VitalsSettings()) -> list[AsrWord]:
    """``old`` with the stretches of ``new`` that read the vitals better (module doc); ``old`` itself when none."""
    if not old or not new or not _trusted(_tokens(old)[0], _tokens(new)[0], settings):
        return old
    chosen: list[tuple[int, int, int, int]] = []
    reading = read_statement(_words_text(old))
    for block in _blocks(old, new):
        i, j = block[0], block[1]
        if any(w.probability >= settings.clear and not _holds_number(w.word) for w in old[i:j]):
            continue  # "and pulse high in teeth. That's higher" is no "pulse ninety-nine pounds."
        doubted = any(w.probability < settings.doubted for w in old[i:j] if _holds_number(w.word))
        trial = read_statement(_words_text(_assemble(old, new, [*chosen, block])))
        if _better(reading, trial, doubted):
            chosen.append(block)
            reading = trial
    return _assemble(old, new, chosen) if chosen else old


def _assemble(old: list[AsrWord], new: list[AsrWord], chosen: list[tuple[int, int, int, int]]) -> list[AsrWord]:
    """``old`` with each chosen stretch (in order) taken from ``new``, its words saying what was first heard."""
    out: list[AsrWord] = []
    at = 0
    for i, j, k, m in chosen:
        heard = _words_text(old[i:j]).strip() or "(nothing)"
        out += old[at:i] + [replace(w, heard=heard, restored="vital") for w in new[k:m]]
        at = j
    return out + old[at:]


def restore_vitals(result: AsrResult, clips: Clips, decode: Redecode,
                   settings: VitalsSettings = VitalsSettings()) -> tuple[AsrResult, list[VitalsRestoration]]:
    """``result`` with the vital signs of its segments heard again where that reads them better.  Segments
    that already carry a restored name (D91) are left alone."""
    plans = [i for i, seg in enumerate(result.segments)
             if seg.words and _CUE.search(seg.text) and not any(w.heard for w in seg.words)]
    audio = segment_clips(result, plans, clips, settings.pad_s)
    segments: list[AsrSegment] = []
    done: list[VitalsRestoration] = []
    for index, seg in enumerate(result.segments):
        if index in audio:
            offset = max(0.0, seg.start - settings.pad_s)
            heard_again = [replace(w, start=w.start + offset, end=w.end + offset)
                           for w in decode(audio[index], len(seg.words))]
            words = splice(seg.words, heard_again, settings)
            if words is not seg.words:
                done.append(VitalsRestoration(index, seg.text.strip(), _words_text(words).strip()))
                seg = replace(seg, text=_words_text(words), words=words)
        segments.append(seg)
    return replace(result, segments=segments), done


def whisper_redecoder(model, language: str | None, beam_size: int) -> Redecode:
    """A ``Redecode`` on a loaded ``faster_whisper.WhisperModel``: one pass at temperature 0, numbers spelt."""
    def decode(clip: np.ndarray, n_words: int) -> list[AsrWord]:
        segs, _ = model.transcribe(clip, language=language, beam_size=beam_size, initial_prompt=VITALS_PROMPT,
                                   vad_filter=False, condition_on_previous_text=False, word_timestamps=True,
                                   temperature=0.0, max_new_tokens=min(2 * n_words + 16, 220))
        return [AsrWord(w.start, w.end, w.word, w.probability) for s in segs for w in (s.words or [])]
    return decode
