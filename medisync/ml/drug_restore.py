"""Drug names restored from the audio: a second, biased decoding of the segments that seem to hold one (D91).

Whisper's language prior favours ordinary words, so a drug name is often heard as words that sound
like it ("met for me" for metformin).  Biasing the whole decoding with a generic drug list made the
dev set worse (D35): the list must name what was said.  This pass builds the list per segment:

1. **Candidates.**  Stretches of one to four low-confidence words (some word below ``max_probability``)
   that are no drug name themselves are matched to the drug lexicon by letters and sound
   (``spoken_candidates``, the note generator's fuzzy matcher).  The best few drugs of the segment are its
   candidates, each by its generic name, and first by its brand when the brand sounds clearly closer to
   what was heard (D109: the decoding can only say a name it is given).
2. **Re-decoding.**  Only that segment's audio is decoded again, with the candidates as Whisper
   ``hotwords``.
3. **Acceptance.**  A change is kept only where the second decoding differs from the first in one place
   that begins or ends with exactly one candidate (beside it only function words, numbers or words heard
   before), the words it replaces sound like that drug (``similarity`` >= ``min_similarity``) more than
   like any other candidate, and the rest of the segment still agrees with the first decoding.  A decoding that repeats a candidate or rewrites the
   segment (the known failure of biased decoding: "docusate docusate" for "Got it. Thanks, doctor.") is
   discarded whole.

Nothing else of the second decoding is taken.  A restored word keeps the first decoding's times and
carries ``heard``: the words first heard, so the transcript shows what was changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any, Callable

import numpy as np

from .asr.normalize import normalize_text
from .asr.whisper import AsrResult, AsrSegment, AsrWord
from .condition_candidates import FUNCTION_WORDS as _FUNCTION
from .condition_candidates import condition_candidates
from .diarization.audio import SAMPLE_RATE
from .notes.drugs import similarity, spoken_candidates
from .notes.lexicon import drug_lexicon
from .notes.numbers import NUMBER_WORDS

_MAX_HEARD = 6  # old words one drug name may replace ("the level of the rock sign")
#: spelt numbers and the units ``normalize_text`` writes out: incidental beside a drug, like digits
_COUNTING = NUMBER_WORDS | frozenset("point percent milligrams micrograms grams milliliters units".split())


def _norm(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word.lower())


def scored_tokens(words: list[str]) -> tuple[list[str], list[int]]:
    """The words as the WER scorer reads them (numbers spelt, units and abbreviations expanded, no
    punctuation), with the index of the word each token came from: the two decodings write numbers
    differently ("100 milligrams ... seven days" and "100mg ... 7 days"), which is no disagreement."""
    tokens: list[str] = []
    owner: list[int] = []
    for k, word in enumerate(words):
        for token in normalize_text(word.replace("-", "")).split():  # "pre-scriby" is one word heard
            tokens.append(token.replace("'", ""))
            owner.append(k)
    return tokens, owner


def _name(name: str) -> str:
    """A candidate's name as tokens read by ``scored_tokens`` ("vitamin b12" -> "vitamin b twelve")."""
    return normalize_text(name)


@dataclass(frozen=True)
class RestoreSettings:
    max_probability: float = 0.75  # a stretch is a candidate only if some word is below this (D113)
    min_candidate: float = 0.7     # spoken_candidates' score to propose a drug
    max_candidates: int = 4        # drugs per segment
    brand_margin: float = 0.15     # a brand is a hotword too when it sounds this much more like the stretch
    min_similarity: float = 0.6    # replaced words vs the drug name
    min_agreement: float = 0.6     # the rest of the segment, first vs second decoding
    tie_margin: float = 0.02       # a rival vetoes only when it sounds more alike by more than this (D151)
    pad_s: float = 0.2
    condition_probability: float = 0.7  # a condition stretch needs a content word below this (D99)
    min_condition: float = 0.85    # letters-and-sound similarity to propose a condition
    max_conditions: int = 2


@dataclass(frozen=True)
class Restoration:
    segment: int
    drug: str   # the term restored: a drug, or a condition's name (D99)
    heard: str
    kind: str = "medication"  # or "diagnosis"


Decode = Callable[[np.ndarray, str, int], list[str]]  # a clip, its hotwords, the words first heard -> words
Clips = Callable[[list[tuple[float, float]]], list[np.ndarray]]  # (start, end) seconds -> each range's samples


def segment_candidates(words: list[AsrWord], settings: RestoreSettings) -> list[str]:
    """The drugs this segment's low-confidence stretches sound like, best first, by their generic names;
    a drug whose brand sounds clearly more like a stretch than its generic name does comes with the brand
    too: the biased decoding can only say a name it is given ("clarity in" is Claritin)."""
    names = drug_lexicon().surface
    toks = [_norm(w.word) for w in words]
    best: dict[str, tuple[float, str, str]] = {}  # generic -> (score, the name heard best, its stretch)
    for s in range(len(toks)):
        for e in range(s + 1, min(s + 5, len(toks) + 1)):
            stretch = toks[s:e]
            if not all(t.isalpha() for t in stretch) or any(t in names for t in stretch):
                break
            if len("".join(stretch)) < 5 or min(w.probability for w in words[s:e]) >= settings.max_probability:
                continue
            for spoken, name, score in spoken_candidates(" ".join(stretch), settings.min_candidate):
                if score > best.get(name, (0.0, "", ""))[0]:
                    best[name] = (score, spoken, " ".join(stretch))
    drugs = sorted(best.items(), key=lambda kv: -kv[1][0])[: settings.max_candidates]
    return [n for generic, (score, spoken, stretch) in drugs
            for n in dict.fromkeys((spoken, generic))
            if n == generic or score >= similarity(stretch, generic) + settings.brand_margin]


def _drug(name: str) -> str:
    """The generic name of a candidate (a condition's name stands for itself)."""
    drug = drug_lexicon().surface.get(name)
    return drug.name if drug is not None else name


def _incidental(token: str, old: list[str]) -> bool:
    """A word beside the drug that changes nothing: a function word, a number or unit, or a word heard before."""
    return token in _FUNCTION or token in _COUNTING or token in old


def _pairs(new: list[str], old: list[str]) -> bool:
    """Every word of the second decoding beside the drug is incidental or sounds like a word first heard
    there ("prescriby" for "prescribing")."""
    return all(_incidental(t, old) or any(similarity(t, o) >= 0.6 for o in old) for t in new)


def _heard(old: list[str], lo: int, hi: int, drug: str) -> tuple[str, float]:
    """The heard words ``lo:hi`` as they sound most like the drug: without function words, or with them
    when that is closer ("in solar" for insulin); with the similarity."""
    best = ("", 0.0)
    for words in ([t for t in old[lo:hi] if t not in _FUNCTION], old[lo:hi]):
        text = " ".join(words)
        if text.isascii() and text.replace(" ", "").isalpha():
            score = similarity(text, drug)
            best = (text, score) if score > best[1] else best
    return best


def _placed(old: list[str], new: list[str], drug: str) -> tuple[int, int, float, str] | None:
    """``(lo, hi, score, heard)``: the old words ``lo:hi`` of a changed block that the drug, said once in the
    block's second decoding, replaces, most like it; the block's other words must pair up around it."""
    words = _name(drug).split()
    at = [p for p in range(len(new) - len(words) + 1) if new[p:p + len(words)] == words]
    if len(at) != 1:
        return None
    pre, post = new[:at[0]], new[at[0] + len(words):]
    lo, hi = len(pre), len(old) - len(post)
    if lo < hi and old[:lo] == pre and old[hi:] == post:
        return lo, hi, *_heard(old, lo, hi, drug)[::-1]  # the words around the drug agree: it replaces the rest
    best: tuple[int, int, float, str] | None = None
    for lo in (lo for lo in range(len(old)) if _pairs(pre, old[:lo])):
        for hi in range(lo + 1, min(lo + _MAX_HEARD, len(old)) + 1):
            if _pairs(post, old[hi:]):
                heard, score = _heard(old, lo, hi, drug)
                if best is None or score > best[2]:
                    best = (lo, hi, score, heard)
    return best


def _occurrences(tokens: list[str], name: str) -> int:
    """How often the words of ``name`` stand in ``tokens`` (whole words: "insulin" is not in "insulinoma")."""
    words = _name(name).split()
    return sum(tokens[p:p + len(words)] == words for p in range(len(tokens) - len(words) + 1))


def _changed(matcher: SequenceMatcher, reach: int) -> list[tuple[int, int, int, int]]:
    """The replaced blocks ``(i, j, k, m)``, each widened by up to ``reach`` agreeing words on either side,
    so that a name of several words can span a block and the words heard right ("the topic dermatitis"
    -> "atopic dermatitis": only "topic" changed)."""
    ops = matcher.get_opcodes()
    out = []
    for n, (tag, i, j, k, m) in enumerate(ops):
        if tag != "replace":
            continue
        x = min(reach, ops[n - 1][2] - ops[n - 1][1]) if n > 0 and ops[n - 1][0] == "equal" else 0
        y = min(reach, ops[n + 1][2] - ops[n + 1][1]) if n + 1 < len(ops) and ops[n + 1][0] == "equal" else 0
        out.append((i - x, j + y, k - x, m + y))
    return out


def accept(old: list[AsrWord], new: list[str], cands: list[str],
           settings: RestoreSettings) -> tuple[int, int, str] | None:
    """``(i, j, drug)``: old words ``i:j`` are the drug, or None when the second decoding is not trusted."""
    (a, owner), (b, _) = scored_tokens([w.word for w in old]), scored_tokens(new)
    if any(_occurrences(b, c) > 1 for c in cands):
        return None  # biased decoding that repeats a hotword has stopped listening
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < settings.min_agreement or any(_occurrences(a, c) for c in cands):
        return None
    hits = [(i, drug, found) for drug in cands for i, j, k, m in _changed(matcher, len(_name(drug).split()) - 1)
            if (found := _placed(a[i:j], b[k:m], drug)) is not None]
    if len(hits) != 1:
        return None
    i, drug, (lo, hi, score, heard) = hits[0]
    if score < settings.min_similarity or any(similarity(heard, c) > score + settings.tie_margin
                                              for c in cands if _drug(c) != _drug(drug)):
        return None  # the words must sound like this drug more than like any other candidate
    if len([t for t in a[i + lo:i + hi] if t not in _FUNCTION]) < len(_name(drug).split()):
        return None  # a word added, not one misheard: "your blood pressure" is no "high blood pressure"
    return owner[i + lo], owner[i + hi - 1] + 1, drug


def _restored(seg: AsrSegment, i: int, j: int, drug: str, kind: str) -> AsrSegment:
    old = seg.words
    heard = "".join(w.word for w in old[i:j]).strip()
    trail = re.sub(r"[\w'-]+", "", old[j - 1].word.strip())[-1:]  # keep the last word's punctuation
    word = AsrWord(old[i].start, old[j - 1].end, " " + drug + trail,
                   min(w.probability for w in old[i:j]), heard=heard, restored=kind)
    words = [*old[:i], word, *old[j:]]
    return replace(seg, text="".join(w.word for w in words), words=words)


def array_clips(audio: np.ndarray) -> Clips:
    """``Clips`` over a signal already in memory (tests, short clips)."""
    return lambda ranges: [audio[int(a * SAMPLE_RATE):int(b * SAMPLE_RATE)] for a, b in ranges]


def segment_clips(result: AsrResult, indices: list[int], clips: Clips, pad_s: float) -> dict[int, np.ndarray]:
    """The audio of the segments ``indices`` (each widened by ``pad_s``), read in one pass."""
    ranges = [(max(0.0, result.segments[i].start - pad_s), result.segments[i].end + pad_s) for i in indices]
    return dict(zip(indices, clips(ranges))) if indices else {}


def _candidates(seg: AsrSegment, settings: RestoreSettings) -> tuple[list[str], list[str]]:
    """(every hotword of the segment, the condition names among them)."""
    if not seg.words:
        return [], []
    conditions = condition_candidates(seg.words, settings.condition_probability, settings.min_condition,
                                      settings.max_conditions)
    return segment_candidates(seg.words, settings) + conditions, conditions


def restore_drugs(result: AsrResult, clips: Clips, decode: Decode,
                  settings: RestoreSettings = RestoreSettings()) -> tuple[AsrResult, list[Restoration]]:
    """``result`` with drug and condition names restored where a second, biased decoding of a segment
    names one.  Only the audio of the segments with candidates is read (``clips``), in one pass."""
    plans = {i: c for i, seg in enumerate(result.segments) if (c := _candidates(seg, settings))[0]}
    audio = segment_clips(result, list(plans), clips, settings.pad_s)
    segments: list[AsrSegment] = []
    done: list[Restoration] = []
    for index, seg in enumerate(result.segments):
        cands, conditions = plans.get(index, ([], []))
        hit = accept(seg.words, decode(audio[index], " ".join(cands), len(seg.words)), cands, settings) \
            if cands else None
        if hit is not None:
            kind = "diagnosis" if hit[2] in conditions else "medication"
            seg = _restored(seg, *hit, kind)
            done.append(Restoration(index, hit[2], seg.words[hit[0]].heard or "", kind))
        segments.append(seg)
    return replace(result, segments=segments), done


#: seconds of silence the re-decoded clip is encoded with, instead of Whisper's padding to a 30-s window (D226)
CONTEXT_S = 10.0


def whisper_decoder(model: Any, language: str | None, beam_size: int, context_s: float | None = CONTEXT_S) -> Decode:
    """A ``Decode`` on a loaded ``faster_whisper.WhisperModel``: one clip, the hotwords as bias.

    The clip is encoded with ``context_s`` seconds of silence after it rather than padded to 30 s (D226): the
    encoder, most of a re-decoding's time, then reads a few seconds instead of 30.  ``None`` (or no language)
    decodes through ``transcribe`` with its full window."""
    if context_s is None or language is None:
        return _window_decoder(model, language, beam_size)
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_suppressed_tokens

    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language)
    suppress = get_suppressed_tokens(tokenizer, [-1])
    extra = int(context_s * model.feature_extractor.sampling_rate / model.feature_extractor.hop_length)

    def decode(clip: np.ndarray, hotwords: str, n_words: int) -> list[str]:
        features = model.feature_extractor(clip)
        encoded = model.encode(pad_or_trim(features, min(features.shape[-1] + extra, model.feature_extractor.nb_max_frames)))
        prompt = model.get_prompt(tokenizer, [], without_timestamps=True, hotwords=hotwords)
        # one pass at temperature 0 (no fallback), at most about twice the words first heard
        result = model.model.generate(encoded, [prompt], beam_size=beam_size, suppress_blank=True,
                                      suppress_tokens=suppress,
                                      max_length=min(len(prompt) + min(2 * n_words + 16, 220), model.max_length))[0]
        return [" " + w for w in tokenizer.decode(result.sequences_ids[0]).split()]
    return decode


def _window_decoder(model: Any, language: str | None, beam_size: int) -> Decode:
    """The re-decoding through ``transcribe``: the clip padded to Whisper's 30-s window."""
    def decode(clip: np.ndarray, hotwords: str, n_words: int) -> list[str]:
        segs, _ = model.transcribe(clip, language=language, beam_size=beam_size, hotwords=hotwords,
                                   vad_filter=False, condition_on_previous_text=False, without_timestamps=True,
                                   temperature=0.0, max_new_tokens=min(2 * n_words + 16, 220))
        return [" " + w for s in segs for w in s.text.split()]
    return decode
