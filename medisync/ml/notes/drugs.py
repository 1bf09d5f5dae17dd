"""ASR-tolerant drug-name spotting.

faster-whisper tiny.en rarely spells drug names right: "lisinopril" comes out
as "listen up for", "metformin" as "meth form", "sertraline" as "search
relying".  Exact lexicon lookup catches correct spellings; for the rest every
word n-gram (1-4 words, joined without spaces) is scored against every drug
surface form (generic + brand names):

    score = 0.4 * ratio(letters) + 0.3 * ratio(metaphone) + 0.3 * ratio(nysiis)

(``rapidfuzz`` Indel ratio on the raw letters and on the two phonetic keys
from ``jellyfish``).  The acceptance threshold depends on the context, because
a dose right after the n-gram ("... ten milligrams") all but proves that a
drug name stood there, while a bare n-gram must look almost exactly like a
drug to beat the many ordinary words:

    DOSE   a dose (number + mg/mcg/units/puffs/...) within 3 tokens after
    VERB   a medication verb/preposition just before ("taking", "increase
           your", "stop the") or a frequency just after ("every day")
    NONE   anything else

The thresholds were measured with ``bench/ml_notes.py --calibrate``: the
NONE threshold keeps false positives on the 30k most frequent English words
(wordfreq) near zero, the DOSE threshold still recovers the documented ASR
confusions.  A drug already found elsewhere in the same visit gets relaxed thresholds
(``KNOWN_THRESHOLDS``) so that other, worse-heard mentions link to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .fuzzy import extract, metaphone, nysiis, ratio
from .lexicon import Drug, drug_lexicon, sourced_drug_lexicon
from .numbers import is_number
from .text import Sentence

#: acceptance thresholds per context (see module docstring / docs/ml-notes.md)
THRESHOLDS = {"dose": 0.62, "verb": 0.80, "none": 0.92}
#: thresholds for a drug already found elsewhere in the same visit
KNOWN_THRESHOLDS = {"dose": 0.55, "verb": 0.62, "none": 0.85}
#: A fuzzy match is written as a medication only at or above this score (or when the same drug is
#: named exactly elsewhere in the visit).  Below it, a match above the context threshold is *weak*:
#: it goes to ``insights["needs_review"]``, never into the note.  Measured (D36): the highest-scoring
#: wrong match on ACI-Bench train (67 visits) and the 8 synthetic visits (text and recorded ASR) is
#: 0.874 ("birth control" ~ an ethinyl estradiol brand); of wordfreq's held-out words (rank 30k-60k,
#: outside the stoplist) 0.08 % reach 0.90, all one-letter look-alikes of brand names ("divan" ~
#: Diovan, "callan" ~ Calan), and these still need a medication verb or a dose beside them.
SAFE_FUZZY = 0.90
MIN_CHARS = 5

DOSE_UNITS = frozenset(
    "mg mcg g units ml puff puffs tablet tablets pill pills capsule capsules tab tabs drop drops "
    "spray sprays patch patches injection shot tablespoon tablespoons teaspoon teaspoons".split()  # spoons: D160
)
_BRIDGE = frozenset(", in into to at of is um uh a the".split())
MED_VERBS = frozenset(
    "taking take takes took on start started starting prescribe prescribed prescribing "
    "increase increasing increased decrease decreasing decreased stop stopping stopped continue continuing "
    "keep refill refilled dose using use used tried try trying give giving switch switching "
    "add adding raise lower reduce double halve restart resume".split()
)
_FREQ_AFTER = ("every", "once", "twice", "daily", "nightly", "bedtime", "as", "three", "four")
_NAME_TITLES = frozenset("doctor mister missus miss mr mrs ms dr nurse".split())
_BAD_START = frozenset(
    "the a an my your his her our their its i you he she we they it to and or of is are was were be "
    "been am do does did have has had not no yes so but if then than as by that this these those "
    "what how when where why who with for from at on in".split()
)
_STOP = _BAD_START | frozenset(
    "up down out about will would can could should me him them us all every day days once twice "
    "times take taking takes took start stop keep continue increase mg just also very really okay "
    "well now there here some any much many more most less little bit get got go going make made "
    "like know think see said say one two three".split()
)


@lru_cache(maxsize=1)
def fuzzy_stoplist() -> frozenset[str]:
    """Frequent words measured to resemble drug names (see bench --calibrate)."""
    from .lexicon import load_json

    try:
        return frozenset(load_json("drug_fuzzy_stoplist.json")["words"])
    except FileNotFoundError:
        return frozenset()


@lru_cache(maxsize=1)
def _clinical_phrases() -> frozenset[str]:
    """Every run of two to four words inside a term of the symptom and condition vocabularies ("blood pressure"
    of "high blood pressure"): never a misheard drug name (D170)."""
    from .lexicon import load_json

    terms = [t for e in load_json("symptoms.json")["symptoms"] for t in e["terms"]]
    terms += [n for e in load_json("conditions.json")["conditions"] for n in (e["name"], *e["synonyms"])]
    out: set[str] = set()
    for term in terms:
        words = term.lower().split()
        out.update(" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 2, min(i + 4, len(words)) + 1))
    return frozenset(out)


@lru_cache(maxsize=1)
def _body_words() -> frozenset[str]:
    """Words of the symptom lexicon's body parts ("knee", "shoulder"): never part of a drug name."""
    from .lexicon import symptom_lexicon

    return frozenset(w for key in symptom_lexicon().body._index for w in key.split() if len(w) >= 3)


@dataclass
class DrugMention:
    drug: Drug
    start: int  # token span in Sentence.toks
    end: int
    confidence: float
    method: str  # exact | joined | fuzzy
    context: str  # dose | verb | none
    surface: str
    #: a weak fuzzy match: a candidate for review, never a fact (see SAFE_FUZZY)
    weak: bool = False


@dataclass(frozen=True)
class _Form:
    text: str
    surface: str  # the name as the lexicon spells it ("amoxicillin clavulanate", "augmentin")
    meta: str
    nysiis: str
    drug: Drug


@lru_cache(maxsize=1)
def _forms() -> tuple[list[_Form], list[str]]:
    lex = drug_lexicon()
    forms: list[_Form] = []
    for surface, drug in lex.surface.items():
        letters = surface.replace(" ", "")
        if not letters.isalpha() or len(letters) < 4:
            continue
        forms.append(_Form(letters, surface, metaphone(letters), nysiis(letters), drug))
    return forms, [f.text for f in forms]


def similarity(candidate: str, name: str) -> float:
    """Combined orthographic + phonetic similarity in [0, 1]."""
    a = candidate.replace(" ", "").lower()
    b = name.replace(" ", "").lower()
    return (
        0.4 * ratio(a, b) + 0.3 * ratio(metaphone(a), metaphone(b)) + 0.3 * ratio(nysiis(a), nysiis(b))
    ) / 100.0


@lru_cache(maxsize=1 << 16)
def best_drug(candidate: str, min_score: float = 0.0) -> tuple[Drug | None, float]:
    """Best-scoring drug for a candidate string (letters only).  A pure function of the string over the
    loaded lexicon, asked again for the same words by every extractor of a visit: cached."""
    forms, texts = _forms()
    cand = candidate.replace(" ", "").lower()
    if len(cand) < MIN_CHARS or not cand.isalpha():
        return None, 0.0
    meta = metaphone(cand)
    ny = nysiis(cand)
    best: tuple[Drug | None, float] = (None, 0.0)
    for _text, raw, idx in extract(cand, texts, 45):
        form = forms[idx]
        ln = len(cand) / len(form.text)
        if ln < 0.5 or ln > 1.8:
            continue
        score = (0.4 * raw + 0.3 * ratio(meta, form.meta) + 0.3 * ratio(ny, form.nysiis)) / 100.0
        if score > best[1]:
            best = (form.drug, score)
    if best[1] < min_score:
        return None, best[1]
    return best


def spoken_candidates(candidate: str, min_score: float = 0.5) -> list[tuple[str, str, float]]:
    """Every name of a drug that a heard string sounds like, as (the name as spoken: a brand or a generic,
    the generic name, score), best first; a drug may come with several of its names."""
    forms, texts = _forms()
    cand = candidate.replace(" ", "").lower()
    if len(cand) < MIN_CHARS or not cand.isalpha():
        return []
    meta, ny = metaphone(cand), nysiis(cand)
    best: dict[str, tuple[str, float]] = {}
    for _text, raw, idx in extract(cand, texts, 45):
        form = forms[idx]
        score = (0.4 * raw + 0.3 * ratio(meta, form.meta) + 0.3 * ratio(ny, form.nysiis)) / 100.0
        if score >= min_score and score > best.get(form.surface, ("", 0.0))[1]:
            best[form.surface] = (form.drug.name, score)
    ranked = sorted(best.items(), key=lambda kv: -kv[1][1])
    return [(surface, name, round(score, 3)) for surface, (name, score) in ranked]


def drug_candidates(candidate: str, limit: int = 3, min_score: float = 0.5) -> list[tuple[str, float]]:
    """The best ``limit`` distinct drugs for a heard string, as (generic name, score), best first."""
    out: dict[str, float] = {}
    for _surface, name, score in spoken_candidates(candidate, min_score):
        out.setdefault(name, score)
    return list(out.items())[:limit]


def dose_after(toks: list[str], end: int, max_bridge: int = 2) -> tuple[float, str] | None:
    """(value, unit) of a dose starting within ``max_bridge`` filler tokens after ``end``."""
    k = end
    bridged = 0
    while k < len(toks) and bridged <= max_bridge:
        if is_number(toks[k]):
            if k + 1 < len(toks) and toks[k + 1] in DOSE_UNITS:
                return float(toks[k]), toks[k + 1]
            return None
        if toks[k] in _BRIDGE:
            bridged += 1
            k += 1
            continue
        return None
    return None


def dose_follows(toks: list[str], end: int, max_bridge: int = 2) -> bool:
    return dose_after(toks, end, max_bridge) is not None


@lru_cache(maxsize=1)
def _class_ranges() -> dict[str, tuple[float, float]]:
    from .lexicon import load_json

    data = load_json("drugs.json").get("class_dose_mg", {})
    return {k: (float(v[0]), float(v[1])) for k, v in data.items() if not k.startswith("_")}


def dose_plausible(drug: Drug, value: float, unit: str) -> bool:
    """False when a mg dose is outside the plausible range of the drug's class."""
    return unit != "mg" or drug.cls not in _class_ranges() or mg_in_class_range(drug, value)


def mg_in_class_range(drug: Drug, value: float) -> bool:
    """A mg dose inside the plausible range of the drug's class; False when the class has no range, so that a dose
    whose unit was never said is not read as mg for a drug measured otherwise (levothyroxine in micrograms, D294)."""
    rng = _class_ranges().get(drug.cls)
    return rng is not None and rng[0] <= value <= rng[1]


def _context(toks: list[str], start: int, end: int) -> str:
    if dose_follows(toks, end):
        return "dose"
    before = toks[max(0, start - 3):start]
    if any(t in MED_VERBS for t in before):
        return "verb"
    after = toks[end:end + 2]
    if after and after[0] in _FREQ_AFTER:
        return "verb"
    return "none"


def _context_of(toks: list[str], start: int, end: int, med_context: bool) -> str:
    """``_context``, with a bare name in an answer to a medication question counted as after a verb."""
    ctx = _context(toks, start, end)
    return "verb" if ctx == "none" and med_context else ctx


def _exact_mentions(sent: Sentence, matches: list[Any], taken: list[bool], out: list[DrugMention],
                    med_context: bool) -> None:
    toks = sent.toks
    for m in matches:
        s, e = sent.raw_span(m.start, m.end)
        ctx = _context_of(toks, s, e, med_context)
        if m.payload.needs_dose and ctx == "none":
            continue
        out.append(DrugMention(m.payload, s, e, 1.0, "exact", ctx, " ".join(toks[s:e])))
        for k in range(s, e):
            taken[k] = True


def find_drugs(sent: Sentence, known: frozenset[str] = frozenset(), med_context: bool = False,
               include_weak: bool = False) -> list[DrugMention]:
    """Drug mentions in one sentence: exact names first (the curated lexicon, then the sourced
    vocabulary), then fuzzy matches on the rest.

    ``known``: drugs named clearly (exactly) elsewhere in the visit; a fuzzy match to one of them links
    to it with relaxed thresholds.  ``med_context``: the sentence answers a medication question, so a
    bare name counts as if a medication verb preceded it.  A fuzzy match below ``SAFE_FUZZY`` to a drug
    not in ``known`` is weak: returned (flagged ``weak``) only with ``include_weak``.
    """
    lex = drug_lexicon()
    toks = sent.toks
    taken = [False] * len(toks)
    out: list[DrugMention] = []
    # a name never runs over a comma: "Claritin, D3" is no Claritin-D (D325)
    breaks = sent.comma_breaks()
    _exact_mentions(sent, lex.matcher.find(sent.content, breaks=breaks), taken, out, med_context)
    sourced = sourced_drug_lexicon()
    if sourced is not None:
        free = [m for m in sourced.matcher.find(sent.content, breaks=breaks) if not any(taken[slice(*sent.raw_span(m.start, m.end))])]
        _exact_mentions(sent, free, taken, out, med_context)
    # person names after titles are never drugs
    for i, tok in enumerate(toks[:-1]):
        if tok in _NAME_TITLES and toks[i + 1].isalpha():
            taken[i + 1] = True
    cands = [c for s in range(len(toks)) for c in _fuzzy_candidates(toks, s, taken, known, med_context)]
    # best non-overlapping fuzzy candidates
    cands.sort(key=lambda c: (-c.confidence, c.end - c.start))
    for c in cands:
        if any(taken[c.start:c.end]):
            continue
        for k in range(c.start, c.end):
            taken[k] = True
        if include_weak or not c.weak:
            out.append(c)
    out.sort(key=lambda m: m.start)
    return out


def _fuzzy_candidates(toks: list[str], s: int, taken: list[bool], known: frozenset[str],
                      med_context: bool) -> list[DrugMention]:
    """Fuzzy drug matches of the untaken n-grams (1-4 words) that start at token ``s``."""
    if taken[s] or not toks[s].isalpha() or toks[s] in _BAD_START or toks[s] in MED_VERBS:
        return []
    out: list[DrugMention] = []
    for n in range(1, 5):
        e = s + n
        if e > len(toks) or taken[e - 1] or not toks[e - 1].isalpha():
            break
        if any(w in MED_VERBS or w in _NAME_TITLES for w in toks[s:e]):
            break  # the verb is context, never part of the name
        mention = _fuzzy_ngram(toks, s, e, known, med_context)
        if mention is not None:
            out.append(mention)
    return out


def _fuzzy_ngram(toks: list[str], s: int, e: int, known: frozenset[str], med_context: bool) -> DrugMention | None:
    """The drug the n-gram ``toks[s:e]`` sounds like, when it passes its context's threshold."""
    words, n = toks[s:e], e - s
    if all(w in _STOP for w in words) or not any(len(w) >= 4 and w not in _STOP for w in words):
        return None
    if n > 1 and words[-1] in _BAD_START and words[-1] not in ("for", "in", "on", "and"):
        return None
    ctx = _context_of(toks, s, e, med_context)
    if n == 1 and ctx != "dose" and words[0] in fuzzy_stoplist():
        return None
    if ctx != "dose" and n > 1 and (words[-1] in _BAD_START or any(w in _body_words() for w in words)):
        return None  # "call and", "knee exam": without a dose a trailing function word or a body part is no name
    if ctx != "dose" and n > 1 and " ".join(words) in _clinical_phrases():
        return None  # "for blood pressure": a phrase of the clinical vocabularies is no misheard drug (D170)
    drug, score = best_drug("".join(words))
    if drug is None:
        return None
    threshold = (KNOWN_THRESHOLDS if drug.name in known and (n > 1 or ctx == "dose") else THRESHOLDS)[ctx]
    if drug.needs_dose and (ctx == "none" or score < 0.95):
        return None  # ambiguous everyday words are never matched fuzzily
    if ctx == "dose" and score < 0.95:
        dose = dose_after(toks, e)
        if dose is not None and not dose_plausible(drug, *dose):
            return None
    if score < threshold:
        return None
    method = "joined" if score >= 0.999 else "fuzzy"
    # a near-spelling with no dose and no medication verb beside it is not clearly named (D72)
    weak = (score < SAFE_FUZZY or ctx == "none") and drug.name not in known
    return DrugMention(drug, s, e, round(min(score, 0.99), 3), method, ctx, " ".join(words), weak)
