"""Text normalisation, turns, sentences and phrase matching.

Every piece of text the extractors look at goes through ``tokenize``:

* lowercase, contractions expanded ("don't" -> "do not"), possessive 's
  dropped, hyphens split ("x-ray" -> "x ray");
* numbers normalised to digit tokens: "one hundred fifty two" -> "152",
  "1,000" -> "1000", "10mg" -> "10 mg", "94%" -> "94 %";
* unit words canonicalised: "milligrams" -> "mg", "kilos" -> "kg",
  "percent" -> "%".

A ``Sentence`` keeps these raw tokens (``toks``) plus a *content* view used
for lexicon lookup: filler words ("my", "the", "any", "of" ...) removed and
a light plural stemmer applied, with ``cmap`` mapping content positions
back to ``toks`` positions.  Lexicon phrases are tokenised the same way, so
"swelling in your legs" and "swelling in legs" match the same entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar

from medisync.application.ports import Segment, TranscriptText

from .numbers import replace_number_words

T = TypeVar("T")

CONTRACTIONS = {
    "don't": "do not", "doesn't": "does not", "didn't": "did not", "haven't": "have not",
    "hasn't": "has not", "hadn't": "had not", "isn't": "is not", "aren't": "are not",
    "wasn't": "was not", "weren't": "were not", "won't": "will not", "wouldn't": "would not",
    "can't": "can not", "cannot": "can not", "couldn't": "could not", "shouldn't": "should not",
    "i'm": "i am", "you're": "you are", "we're": "we are", "they're": "they are",
    "it's": "it is", "that's": "that is", "there's": "there is", "what's": "what is",
    "he's": "he is", "she's": "she is", "let's": "let us", "i've": "i have",
    "you've": "you have", "we've": "we have", "i'll": "i will", "you'll": "you will",
    "we'll": "we will", "i'd": "i would", "you'd": "you would", "we'd": "we would",
    "ain't": "is not", "gonna": "going to", "wanna": "want to", "y'all": "you all",
}

ABBREVIATIONS = {
    "dr.": "doctor", "mr.": "mister", "mrs.": "missus", "ms.": "miss", "st.": "saint",
    "vs.": "versus", "e.g.": "for example", "i.e.": "that is", "a.m.": "am", "p.m.": "pm",
}

UNIT_WORDS = {
    "milligram": "mg", "milligrams": "mg", "mgs": "mg", "milligrammes": "mg",
    "microgram": "mcg", "micrograms": "mcg", "mcgs": "mcg",
    "gram": "g", "grams": "g", "gm": "g",
    "kilogram": "kg", "kilograms": "kg", "kilo": "kg", "kilos": "kg", "kgs": "kg",
    "pound": "lb", "pounds": "lb", "lbs": "lb",
    "percent": "%",
    "milliliter": "ml", "milliliters": "ml", "millilitre": "ml", "millilitres": "ml", "cc": "ml", "ccs": "ml",
    "unit": "units",
    "celsius": "c", "centigrade": "c", "fahrenheit": "f",
}

#: words dropped from the content view used for lexicon lookup
FILLERS = frozenset(
    "my your the a an his her their our its some any of very really so just also both either "
    "little bit kind sort quite pretty too".split()
)

_IRREGULAR = {"feet": "foot", "teeth": "tooth", "men": "man", "women": "woman", "children": "child",
              # irregular past forms of verbs that lay symptom phrases use, read as their base form (D156):
              # "I've thrown up" is "throw up" as "threw up" is
              "threw": "throw", "thrown": "throw", "woke": "wake", "woken": "wake", "bled": "bleed",
              "slept": "sleep"}
_NO_STEM = frozenset(
    "lows highs diabetes news always has was is does this its us yes gas bus plus less "
    "sinus virus nauseous anxious nervous serious previous various famous analysis dialysis "
    "urinalysis psoriasis cirrhosis osteoporosis scoliosis diagnosis prognosis mucus pelvis "
    "abdominus status bronchitis arthritis sinusitis dermatitis tonsillitis cystitis "
    "pharyngitis gastritis conjunctivitis diverticulitis fasciitis pyelonephritis tendinitis "
    "otitis hepatitis meningitis colitis herpes rabies measles mumps scabies shingles hives "
    "stiffness numbness weakness shortness dizziness tiredness soreness sleepiness hoarseness "
    "fullness redness sadness lightheadedness sores".split()
)

#: systematic faster-whisper tiny.en confusions on synthetic clinical speech
#: (observed on the dev set audio; only context-safe multi-word rewrites)
ASR_ALIASES: dict[tuple[str, ...], tuple[str, ...]] = {
    **{(pos, "mac"): (pos, "back") for pos in ("lower", "upper", "my", "your", "his", "her", "the", "low", "mid")},
    ("million", "grams"): ("milligrams",),
    ("milli", "grams"): ("milligrams",),
}


def _apply_aliases(toks: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(toks):
        for key, repl in ASR_ALIASES.items():
            if tuple(toks[i:i + len(key)]) == key:
                out.extend(repl)
                i += len(key)
                break
        else:
            out.append(toks[i])
            i += 1
    return out


#: a plural that adds "es" after a sibilant; "aches" and "headaches" add only "s"
_SIBILANT_ES = re.compile(r"(?:sh|tch|ss|x|zz|(?<!a)ch)es$")
_TOKEN_RE = re.compile(r"\d+(?:\.\d+)?|[a-z]+(?:'[a-z]+)*|[,.;:?!/%]")


def stem(word: str) -> str:
    """A deliberately light plural stemmer (both lexicon and text use it)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _NO_STEM or len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if _SIBILANT_ES.search(word):  # "eyelashes", "patches", "glasses": the plural adds "es" (D306)
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _pre_normalize(text: str) -> str:
    t = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00b4", "'").lower()
    for abbr, full in ABBREVIATIONS.items():
        t = re.sub(r"(?<![a-z])" + re.escape(abbr), " " + full + " ", t)
    t = t.replace("\u00b0", " degrees ")
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)            # 1,000 -> 1000
    t = re.sub(r"(?<=\d)(?=[a-z])", " ", t)              # 10mg -> 10 mg
    t = re.sub(r"(?<=[a-z])(?=\d)", " ", t)              # a1c -> a 1 c
    t = re.sub(r"(?<=[a-z0-9])[-\u2010-\u2014](?=[a-z0-9])", " ", t)  # x-ray, forty-eight
    t = re.sub(r"\s+'|'\s+", " ", t)
    t = re.sub(r"\b(table|tea) (spoons?)\b", r"\1\2", t)  # Whisper's "one table spoon" (D197)
    return t


#: what may follow "<noun>'s" only when the "'s" is "is" or "has": "my vision's fine", "the pain's been worse"
#: (a possessive is followed by what is owned) (D156)
_AFTER_IS = frozenset("fine ok okay alright normal good great better worse been getting not never still always "
                      "really so pretty much a all gone the same steady stable".split())


def tokenize(text: str) -> list[str]:
    """Normalised tokens of ``text`` (see module docstring)."""
    raw = _TOKEN_RE.findall(_pre_normalize(text))
    toks: list[str] = []
    for k, tok in enumerate(raw):
        if tok in CONTRACTIONS:
            toks.extend(CONTRACTIONS[tok].split())
        elif tok.endswith("'s"):
            toks.append(tok[:-2])
            if k + 1 < len(raw) and raw[k + 1] in _AFTER_IS:
                toks.append("has" if raw[k + 1] == "been" else "is")
        elif tok.endswith("n't"):
            toks.extend([tok[:-3], "not"])
        elif "'" in tok:
            head, _, tail = tok.partition("'")
            toks.append(head)
            if tail in ("ve",):
                toks.append("have")
            elif tail == "ll":
                toks.append("will")
            elif tail == "re":
                toks.append("are")
            elif tail == "d":
                toks.append("would")
        else:
            toks.append(tok)
    toks = _apply_aliases(replace_number_words(toks))
    out: list[str] = []
    for i, tok in enumerate(toks):
        if tok in UNIT_WORDS:
            # "percent"/"units" always; weight/dose units anywhere (harmless)
            out.append(UNIT_WORDS[tok])
        else:
            out.append(tok)
    return out


def content_view(toks: list[str]) -> tuple[list[str], list[int]]:
    content: list[str] = []
    cmap: list[int] = []
    for i, tok in enumerate(toks):
        if tok in FILLERS or tok == ",":
            continue
        content.append(stem(tok))
        cmap.append(i)
    return content, cmap


def phrase_key(phrase: str) -> tuple[str, ...]:
    """Content tokens of a lexicon phrase."""
    return tuple(content_view(tokenize(phrase))[0])


_QUESTION_STARTERS = frozenset(
    "any anything anyone do does did are is was were have has had how what when where why which who "
    "whom whose can could would will should shall may might".split()
)
_LEAD_INS = frozenset("and so okay ok now then also well alright right um uh oh".split())


#: below this ASR word probability a sentence is not quoted into the note, nor read as the visit's reason
#: (docs/ml-notes.md)
MIN_WORD_PROBABILITY = 0.35


@dataclass
class Sentence:
    text: str
    toks: list[str]
    content: list[str]
    cmap: list[int]
    role: str
    speaker: str
    turn: int
    index: int = 0  # global sentence index
    is_question: bool = False
    tags: set[str] = field(default_factory=set)
    #: indices into the transcript's ``segments`` this sentence was heard in (provenance)
    segment_ids: list[int] = field(default_factory=list)
    #: the lowest ASR word probability inside the sentence (``None`` without word timings)
    min_word_prob: float | None = None
    #: each token's ASR word probability, where a heard word holds the token (else ``None``)
    tok_probs: list[float | None] = field(default_factory=list)

    def heard_below(self, start: int, end: int, limit: float) -> bool:
        """Whether a word heard in tokens ``start:end`` has an ASR probability below ``limit``."""
        return any(p is not None and p < limit for p in self.tok_probs[start:end])

    @property
    def norm(self) -> str:
        return " ".join(self.toks)

    def raw_span(self, cstart: int, cend: int) -> tuple[int, int]:
        """Token span (in ``toks``) of content span ``[cstart, cend)``."""
        return self.cmap[cstart], self.cmap[cend - 1] + 1

    def comma_breaks(self) -> frozenset[int]:
        """The content indices a comma, semicolon or colon stands right before: "my face goes red, my eyes water"
        holds no "red eyes" (D313)."""
        return frozenset(k for k in range(1, len(self.cmap))
                         if any(t in (",", ";", ":") for t in self.toks[self.cmap[k - 1] + 1:self.cmap[k]]))

    def char_to_tok(self) -> list[int]:
        """Map from char offset in ``norm`` to token index."""
        out: list[int] = []
        for i, tok in enumerate(self.toks):
            out.extend([i] * len(tok))
            out.append(i)  # the space after it
        return out


@dataclass
class Turn:
    index: int
    speaker: str
    role: str
    text: str
    start: float | None = None
    end: float | None = None
    sentences: list[Sentence] = field(default_factory=list)
    #: (char offset in ``text``, segment index, segment) for each merged segment
    pieces: list[tuple[int, int, Segment]] = field(default_factory=list)


_SUBJECTS = frozenset("i you we he she they it".split())


def _is_question(text: str, toks: list[str]) -> bool:
    if text.rstrip().endswith("?"):
        return True
    words = [t for t in toks if t.isalpha()]
    while words and words[0] in _LEAD_INS:
        words = words[1:]
    if not words:
        return False
    if words[0] == "what" and len(words) > 2 and words[1] in _SUBJECTS:
        return False  # a free relative: "What you are describing sounds like insomnia." (D106)
    if words[0] in ("when", "where", "how", "if") and len(words) > 2 and words[1] in _SUBJECTS and (
            _main_clause_states(toks) if "," in toks else (words[0] != "how" and text.rstrip().endswith("."))):
        # a clause of time or place before a statement: "When I stand up fast, the room tilts." (D241); "When I'm in
        # bed they itch." closed by a full stop (D305)
        return False
    if words[0] in _QUESTION_STARTERS:
        if len(words) > 1 and words[1] == "not" and words[0] in ("do", "does", "did"):
            return False  # "Do not take ..." is an instruction
        if words[0] in ("will", "should", "can", "could", "would", "may", "might", "shall") and len(words) > 1 and words[1] not in ("you", "i", "we", "it", "he", "she", "they"):
            return False
        return True
    return False


def _main_clause_states(toks: list[str]) -> bool:
    """After the first comma comes a statement, not a question: "When I stand up, the room tilts"."""
    if "," not in toks:
        return False
    rest = [t for t in toks[toks.index(",") + 1:] if t.isalpha()]
    return bool(rest) and rest[0] not in _QUESTION_STARTERS


#: a statement closed by a tag ("I do hear a murmur, okay?") asks nothing of its own
_TAG_QUESTION = re.compile(r"[\s,]+(?:okay|ok|right|all right|alright|correct|you know|is that okay|is that right|"
                           r"sound good|does that sound good)\s*\?\s*$", re.IGNORECASE)


def strip_tag_question(text: str) -> str:
    """The sentence without a closing tag question ("..., okay?"), else unchanged."""
    return _TAG_QUESTION.sub("", text)


def in_statement_order(sentence: "Sentence") -> bool:
    """A sentence marked "?" that is said in statement order, as patients say what they are unsure of ("It
    started on Thursday, so, four days now?"): it does not open with an auxiliary or a question word (D227)."""
    words = [t for t in sentence.toks if t.isalpha()]
    while words and words[0] in _LEAD_INS:
        words = words[1:]
    return sentence.is_question and bool(words) and words[0] not in _QUESTION_STARTERS and "or" not in words[-3:]


def asks(sentence: "Sentence") -> bool:
    """Whether the sentence asks something; a statement closed by a tag question does not."""
    if not sentence.is_question:
        return False
    stripped = strip_tag_question(sentence.text)
    return stripped == sentence.text or _is_question(stripped, tokenize(stripped))


_SPLIT_RE = re.compile(r"(?<=[.?!])\s+|\s*\.\.\.\s*|\n+")


#: unpunctuated speech ("a deep achy pain okay what kind of activities make it worse"): a discourse
#: marker followed by a question's first words starts a new sentence, so the question is one
_RUN_ON_QUESTION = re.compile(
    r"\s+(?=(?:okay|ok|alright|all right)\s+(?:(?:what|how|when|where|why|which|who)\s+(?:is|are|was|were|do|does|"
    r"did|has|have|had|can|could|would|will|kind|type|sort|long|often|much|many|else|about|brings|makes)|"
    r"do you|does it|does that|did you|are you|is it|is that|is there|have you|has it|can you|could you|"
    r"would you)\b)", re.IGNORECASE)


#: a capital letter alone, its dot and a lower-case word: an abbreviated genus or name, not a sentence end
_INITIAL = re.compile(r"(?<![A-Za-z])([A-Z])\.(?= [a-z])")


def split_sentences(text: str) -> list[str]:
    t = text.strip()
    # protect abbreviations so their dots do not split sentences
    for abbr in ABBREVIATIONS:
        t = re.sub(r"(?i)(?<![a-z])" + re.escape(abbr), abbr.replace(".", "\u2024"), t)
    t = _INITIAL.sub("\\1\u2024", t)  # "H. pylori", "E. coli": an initial, no sentence end (D210)
    parts = [q.replace("\u2024", ".").strip() for p in _SPLIT_RE.split(t) for q in _RUN_ON_QUESTION.split(p)]
    return [p for p in parts if p and re.search(r"[A-Za-z0-9]", p)]


_CLINICIAN_CUES = (
    "my assessment", "i am doctor", "this is doctor", "your blood pressure", "i will prescribe",
    "i am ordering", "i will order", "come back in", "see you back", "any allergies", "your heart rate",
    "i am going to prescribe", "i will increase", "i recommend", "let us check", "i am referring",
    "how can i help", "what brings you", "follow up in", "your exam", "your lungs",
)


def _infer_roles(segs: list[Segment]) -> dict[str, str]:
    """Speaker -> role when the transcript carries no usable roles."""
    scores: dict[str, float] = {}
    for s in segs:
        spk = str(s.get("speaker") or "S")
        norm = " ".join(tokenize(str(s.get("text") or "")))
        score = sum(norm.count(cue) for cue in _CLINICIAN_CUES)
        score += 0.5 * norm.count("?")
        scores[spk] = scores.get(spk, 0.0) + score
    if not scores:
        return {}
    clinician = max(scores, key=lambda k: scores[k])
    return {spk: ("clinician" if spk == clinician else "patient") for spk in scores}


def _source_segments(transcript: TranscriptText) -> list[tuple[int, Segment]]:
    """Non-empty segments with their index in ``transcript["segments"]``, in time order."""
    segs = [(i, s) for i, s in enumerate(transcript.get("segments") or [])
            if isinstance(s, dict) and str(s.get("text") or "").strip()]
    if not segs:
        text = str(transcript.get("text") or "").strip()
        return [(0, {"speaker": "UNKNOWN", "role": "unknown", "text": text})] if text else []
    return sorted(segs, key=lambda p: (p[1].get("start") is None, p[1].get("start") or 0.0, p[0]))


def _merge_turns(segs: list[tuple[int, Segment]], inferred: dict[str, str]) -> list[Turn]:
    turns: list[Turn] = []
    for seg_id, s in segs:
        spk = str(s.get("speaker") or "UNKNOWN")
        role = inferred.get(spk) or str(s.get("role") or "unknown").lower()
        if role not in ("clinician", "patient", "other"):
            role = "unknown"
        text = str(s.get("text") or "").strip()
        if turns and turns[-1].speaker == spk and turns[-1].role == role:
            turn = turns[-1]
            turn.text = turn.text + " "
            turn.pieces.append((len(turn.text), seg_id, s))
            turn.text += text
            turn.end = s.get("end", turn.end)
            continue
        turns.append(Turn(len(turns), spk, role, text, s.get("start"), s.get("end"),
                          pieces=[(0, seg_id, s)]))
    return turns


def _word_probs(turn: Turn, start: int, end: int) -> list[tuple[str, float]]:
    """The words inside ``turn.text[start:end]`` (lower case) with their ASR probabilities."""
    probs: list[tuple[str, float]] = []
    for offset, _seg_id, seg in turn.pieces:
        seg_text, cursor = str(seg.get("text") or "").strip(), 0
        for word in seg.get("words") or []:
            w = str(word.get("word") or "").strip()
            at = seg_text.find(w, cursor) if w else -1
            if at < 0 or word.get("probability") is None:
                continue
            cursor = at + len(w)
            if start <= offset + at < end:
                probs.append((w.lower(), float(word["probability"])))
    return probs


def _holds(word: str, tok: str) -> bool:
    """Whether a heard word holds a token: the word read as the sentence is ("milligrams," is "mg", "don't" is
    "do not"); "his" does not hold "i"."""
    return tok.isalnum() and tok in _word_tokens(word)


@lru_cache(maxsize=4096)
def _word_tokens(word: str) -> tuple[str, ...]:
    return tuple(tokenize(word))


def _token_probs(toks: list[str], words: list[tuple[str, float]]) -> list[float | None]:
    """Each token's word probability: the next heard word (of the following three) that holds it."""
    out: list[float | None] = []
    k = 0
    for tok in toks:
        hit = next((j for j in range(k, min(k + 3, len(words))) if _holds(words[j][0], tok)), None)
        out.append(words[hit][1] if hit is not None else None)
        k = hit if hit is not None else k
    return out


def _locate(turn: Turn, sent_text: str, cursor: int) -> tuple[int, int]:
    at = turn.text.find(sent_text, cursor)
    return (at, at + len(sent_text)) if at >= 0 else (cursor, cursor + len(sent_text))


def _split_turn(turn: Turn, gidx: int) -> int:
    cursor = 0
    for sent_text in split_sentences(turn.text):
        toks = tokenize(sent_text)
        if not toks:
            continue
        start, end = _locate(turn, sent_text, cursor)
        cursor = end
        content, cmap = content_view(toks)
        seg_ids = [sid for off, sid, seg in turn.pieces
                   if off < end and off + len(str(seg.get("text") or "").strip()) >= start]
        words = _word_probs(turn, start, end)
        probs = [p for _w, p in words]
        turn.sentences.append(
            Sentence(sent_text, toks, content, cmap, turn.role, turn.speaker, turn.index, gidx,
                     _is_question(sent_text, toks), segment_ids=seg_ids or [turn.pieces[0][1]],
                     min_word_prob=min(probs) if probs else None, tok_probs=_token_probs(toks, words))
        )
        gidx += 1
    return gidx


def build_turns(transcript: TranscriptText) -> list[Turn]:
    """Merge consecutive same-speaker segments into turns and split sentences.

    Every sentence keeps the indices of the segments it came from, so a line of
    the note can be checked against the audio."""
    segs = _source_segments(transcript)
    if not segs:
        return []
    roles = {str(s.get("role") or "").lower() for _, s in segs}
    inferred: dict[str, str] = {}
    if "clinician" not in roles and len({str(s.get("speaker")) for _, s in segs}) > 1:
        inferred = _infer_roles([s for _, s in segs])
    turns = _merge_turns(segs, inferred)
    gidx = 0
    for turn in turns:
        gidx = _split_turn(turn, gidx)
    return [t for t in turns if t.sentences]


@dataclass
class Match(Generic[T]):
    start: int  # content index
    end: int
    payload: T
    phrase: tuple[str, ...]


class PhraseMatcher(Generic[T]):
    """Longest-match, non-overlapping lookup of token phrases in content tokens."""

    def __init__(self) -> None:
        self._index: dict[str, list[tuple[tuple[str, ...], T]]] = {}

    def add(self, phrase: str | tuple[str, ...], payload: T) -> None:
        key = phrase_key(phrase) if isinstance(phrase, str) else phrase
        if not key:
            return
        self._index.setdefault(key[0], []).append((key, payload))

    def covers(self, phrase: str) -> bool:
        """True when ``phrase`` is, as a whole, one of the matcher's phrases."""
        key = phrase_key(phrase)
        return bool(key) and any(k == key for k, _ in self._index.get(key[0], ()))

    def finalize(self) -> "PhraseMatcher[T]":
        for lst in self._index.values():
            lst.sort(key=lambda kp: -len(kp[0]))
        return self

    def every(self, content: list[str]) -> list[Match[T]]:
        """Every occurrence of every phrase, nested and overlapping ones too."""
        return [Match(i, i + len(key), payload, key) for i, tok in enumerate(content)
                for key, payload in self._index.get(tok, ()) if tuple(content[i:i + len(key)]) == key]

    def every_skipping(self, content: list[str], skip: frozenset[str]) -> list[Match[T]]:
        """``every`` occurrence, and those the words of ``skip`` split: "sprain of the right ankle" holds
        "sprain of ankle" once "right" is passed over.  A match's span covers the words it passed over."""
        kept = [i for i, tok in enumerate(content) if tok not in skip]
        split = [Match(kept[m.start], kept[m.end - 1] + 1, m.payload, m.phrase)
                 for m in self.every([content[i] for i in kept])]
        return self.every(content) + [m for m in split if m.end - m.start > len(m.phrase)]

    def find(self, content: list[str], skip: frozenset[str] = frozenset(),
             breaks: frozenset[int] = frozenset()) -> list[Match[T]]:
        """The longest phrases, without overlap; a phrase may pass over the words of ``skip``, never over a
        ``breaks`` index (a content word a comma stands before, D313)."""
        cands = self.every_skipping(content, skip) if skip else self.every(content)
        if breaks:
            cands = [m for m in cands if not any(m.start < k < m.end for k in breaks)]
        cands.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken = [False] * len(content)
        out: list[Match[T]] = []
        for m in cands:
            if any(taken[m.start:m.end]):
                continue
            for k in range(m.start, m.end):
                taken[k] = True
            out.append(m)
        out.sort(key=lambda m: m.start)
        return out
