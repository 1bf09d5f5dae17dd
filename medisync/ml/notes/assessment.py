"""Diagnoses (clinician's spoken assessment -> ICD-10-CM), orders, follow-up.

Diagnoses come from clinician statements that carry an assessment trigger
("my assessment is", "impression", "diagnosis", "I think you have", "this
is", "consistent with" ...).  The words after the trigger are matched against
the curated condition map (``data/conditions.json``; longest synonym wins, so
"type two diabetes with hyperglycemia" -> E11.65 rather than E11.9).  When
no exact synonym matches, a fuzzy pass (rapidfuzz ratio >= 88 over word
n-grams) tolerates ASR spelling noise.  Codes in the map are validated against
the simple-icd-10-cm code set by the unit tests.

Orders are lab / imaging / referral / procedure lexicon items in clinician
statements that contain an ordering verb before the item, that are not
negated ("you do not need an x ray") and not a reported result ("your last
A1c was 8.4").

Follow-up is the interval after a return-visit phrase ("come back in four
weeks", "see you back in three months", "follow up in 2 weeks").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast

from medisync.application.ports import Diagnosis, Order, ReviewCandidate, ReviewItem

from .context import Scope, assess, scopes
from .fuzzy import ratio, ratio_matrix
from .icd10 import (excluded_by, eyelid_code, icd10_title, is_billable, lateral_code, qualified_siblings, specified_by,
                    specified_siblings)
from .lexicon import Condition, OrderItem, condition_lexicon, icd10_title_lexicon, order_lexicon, symptom_lexicon
from .text import FILLERS, Match, Sentence, Turn, phrase_key

_STRONG = re.compile(r"\b(assessment|impression|diagnosis|diagnose|diagnosing|diagnosed)\b")
#: plain statements (D134): "it's shingles", "that's a classic case of carpal tunnel", "your knee pain is from
#: osteoarthritis"; "it's" / "that's" only opening the sentence (mid-sentence it explains: "Tourette is that
#: it's a ..."). Said of much else, so the condition must follow at once (``_PLAIN_FILL`` aside).
_PLAIN = (r"(?:^|(?<=, ))(?:(?:so|okay|ok|well|yeah|alright|now|and)(?: ,)? )*(?:it is|that is)(?! like)|(?:is|are) (?:from|due to"
          r"|caused by)|case of"  # D182: "okay, so it's ...", "the rash is from poison ivy, it's ..."
          r"|^(?:definitely|certainly|clearly)"  # "Definitely head lice." (D251)
          r"|(?:^|(?<=, ))(?:(?:and|so|also)(?: ,)? )*you are")  # "And you're mildly dehydrated." (D339)
_PLAIN_CUE = re.compile(rf"(?:{_PLAIN})")
_PLAIN_FILL = frozenset("a an the just only classic typical case of called your his her mildly slightly little bit also "
                        "a bit".split())  # "your": D289; "you are mildly dehydrated": D339
_WEAK = re.compile(
    r"\b(i think (you have|this is|it is|that is|you are)|i believe (you have|this is|it is)|i suspect|"
    r"it sounds like|it looks like|this looks like|looks like|sounds like|you have|you have got|this is|these are|those are|"
    r"what you are describing is|what you have is|"  # D158
    r"what i (?:see|am seeing|found|find) (?:here )?is|(?:i am|i will|i will be) (?:also )?(?:writing down|putting down|"
    r"documenting|charting|noting)|"  # D339
    r"what it is(?: ,)? is|what (?:we|doctors) call|(?:what|which) is called|"  # D284
    r"(?:looks|sounds|seems) to me like|(?:we are|i am) treating (?:this|it|you) (?:as|for)|i would call (?:this|it|that)|"
    r"(?:everything|it all|this all|all of this) points to|(?:pretty|fairly|quite|very) sure (?:this|it|that) is|"  # D289
    r"what (?:we|i) am looking at(?: here)? is|what we are looking at(?: here)? is|what we are dealing with(?: here)? is|"  # D182
    r"consistent with|most likely|we are dealing with|you are dealing with|(?:shows?|showed|confirms?|confirmed|reveals?|revealed|demonstrates?|demonstrated)"
    r"|" + _PLAIN + r")\b"
)


#: a problem-oriented plan names the problem it addresses: "for your second problem, your hypertension",
#: "in terms of your depression", "regarding the type two diabetes"; the condition must follow at once
_PROBLEM = re.compile(
    r"(?:^|[,.;:] |\b(?:so|and|then|now|okay|alright|next|lastly|finally) )"
    r"(?:for|regarding|as for|as far as|in terms of|with regards? to|moving on to|turning to) "
    r"(?:your|the|his|her|this|you) (?:(?:first|second|third|fourth|fifth|next|last|final|other|main|new) )?"
    r"(?:(?:problem|condition|issue)(?: ,)?(?: of| is| which is)? (?:, )?(?:for |regarding )?(?:your |the |his |her )?)?"
)
#: an ordinal problem named without "for": "your second condition of type 2 diabetes" (D203)
_PROBLEM_ORDINAL = re.compile(
    r"\b(?:your|the|his|her|this) (?:first|second|third|fourth|fifth|next|last|final) (?:problem|condition|issue)"
    r"(?: ,)? (?:of|is|which is) (?:, )?(?:your |the |his |her |this )?"
)
#: the clinician states the status of the patient's condition: "your diabetes is well controlled", "your asthma
#: has not been under control", "his eczema is flaring" (D208); the condition must open the group at once
_STATUS = re.compile(
    r"\b(?:your|his|her) ((?:\S+ ){0,5}?\S+) (?:is|are|has been|have been|has not been|have not been|seems|seem|"
    r"looks|look|remains|remain|appears|appear|stays|stay|seems to be|seem to be|appears to be)"
    r"(?: (?:very|really|fairly|pretty|quite|still|now|well|not|poorly|nicely|so|much|somewhat|reasonably|"
    r"relatively|getting|doing|under|out of|a little|a bit|a lot|better|overall))*? "
    r"(?:controlled|control|uncontrolled|stable|at goal|flaring|worse|worsening|improving|improved|better)\b")
#: the cue heads a plan for the problem: the rest of the sentence manages it ("..., continue the lisinopril")
#: and denies nothing ("in terms of the pneumonia, your x-ray is clear", "as for the asthma, I do not think
#: you have it", "we will check whether you have it"); "not at goal" qualifies, it does not deny
_MANAGED = re.compile(r"\b(continu\w*|start\w*|increas\w*|decreas\w*|prescrib\w*|refer\w*|order\w*|keep|stop|try|"
                      r"monitor\w*|manag\w*|control\w*|well|treat\w*|add|switch\w*|recheck|follow|medications?|"
                      r"dose|plan|therapy|check\w*)\b")
_DENIED = re.compile(r"\b((?:do|does|did) not (?:think|believe) (?:you|she|he|they|it|that|this)|(?:not|never) (?:have|has|had)(?! to\b)|"
                     r"no evidence|(?:is|are|was|looks?|came back) (?:clear|negative|normal)|rule out|ruled out|"
                     r"whether|if (?:you|she|he) (?:have|has))\b")
#: "from a depression standpoint", "from an asthma perspective": the condition lies inside the cue
_STANDPOINT = re.compile(r"\bfrom (?:an? |your |the )?((?:\S+ ){0,5}?\S+) (?:standpoint|perspective|point of view)\b")


#: uncertain diagnoses are not coded in outpatient care (ICD-10-CM Official Guidelines, Section IV.H:
#: "probable", "suspected", "questionable", "rule out", "working diagnosis"): they go to needs_review
_HEDGE = re.compile(
    r"\b(possible|possibly|probable|probably|likely|suspect|suspected|suspicion|suspicious for|questionable|"
    r"rule out|ruling out|could be|could have|might be|might have|may be|may have|concern for|concerned about|"
    r"worried about|worry about|differential|versus|or maybe|not sure|either|unlikely)\b"
)
#: negation of a qualifier, not of the condition ("hypertension, not at goal")
_QUALIFIER_NEG = re.compile(r"\bnot (at goal|controlled|well controlled|under control|improving|better)\b")


#: "the covid vaccine", "a strep test": the condition's name qualifies something else
_NOT_THE_CONDITION = frozenset(
    "vaccine vaccines vaccination vaccinations shot shots booster boosters test tests testing screen screening "
    "swab panel medicine medication medications doctor doctors specialist clinic program education result results".split()
)
#: the condition is what a test looks for: "send the swab for gonorrhea and chlamydia", "we'll test you for strep" (D275)
_LOOKED_FOR = re.compile(r"\b(?:tests?|tested|testing|swabs?|swabbed|screen|screened|screening|check|checked|checking"
                         r"|cultures?|cultured|looking|look) (?:(?!positive |negative )[\w-]+ ){0,2}?for (?:[\w-]+ ){0,3}$")
#: the sentence is about relatives ("for family history, it looks like there is high blood pressure")
_FAMILY_SENTENCE = re.compile(
    r"\bfamily (history|member|members)\b|\bruns in (the|my|your|his|her) family\b|"
    r"\b(your|his|her|my) (mother|father|mom|dad|brother|sister|parents?|grandmother|grandfather|siblings?|son|daughter)\b"
)


def not_a_patient_condition(toks: list[str], start: int, end: int) -> bool:
    """A condition name that does not state the patient has it: it names a vaccine, test or clinic
    ("covid vaccine"), what a test looks for, or the sentence up to it speaks about relatives."""
    if end < len(toks) and toks[end] in _NOT_THE_CONDITION:
        return True
    if _LOOKED_FOR.search(" ".join(toks[max(0, start - 8):start]) + " "):
        return True
    return bool(_FAMILY_SENTENCE.search(" ".join(toks[:start])))


_SIDES = {"left": "left", "right": "right", "bilateral": "bilateral", "both": "bilateral"}
#: words a condition's name may be split by ("a sprain of the right ankle"); ``_with_side`` then reads the side
SIDE_WORDS = frozenset(_SIDES)


def _with_side(cond: Condition, toks: list[str], start: int, end: int) -> Condition:
    """The lateral code when the clinician names one side next to an unspecified-side condition:
    "acute otitis media of the left ear" -> H66.92, not H66.90 (ICD-10-CM siblings, ``icd10.py``)."""
    window = _clause_around(toks, start, end, 5, (".", ";", "?", "and", "but"))
    sides = {_SIDES[t] for t in window if t in _SIDES} or _side_of_part_later(cond, toks, end)
    if len(sides) != 1:
        return cond
    side = sides.pop()
    lateral = lateral_code(cond.icd10, side)
    if lateral is None:
        return cond
    code, part = lateral
    base, _, said = cond.name.partition(", ")
    base = base if said and said in part else cond.name  # "trigger finger, ring" + right -> "..., right ring finger"
    name = f"{base}, {side} {part}" if side != "bilateral" else f"{base}, bilateral"
    return Condition(name, code, icd10_title(code) or "")


def _clause_around(toks: list[str], start: int, end: int, after: int, stops: tuple[str, ...]) -> list[str]:
    """The three tokens before a name, the name and ``after`` tokens after it, cut at the first of ``stops`` past the
    name's start."""
    lo = max(0, start - 3)
    window = toks[lo:min(len(toks), end + after)]
    return window[:next((i for i, t in enumerate(window) if t in stops and i > start - lo), len(window))]


def _side_of_part_later(cond: Condition, toks: list[str], end: int) -> set[str]:
    """"an acute paronychia, an infection of the skin fold next to the nail, in your right index finger": the side
    said later in the sentence with the very part the code leaves unspecified (finger), past an apposition (D328)."""
    lateral = lateral_code(cond.icd10, "right")
    if lateral is None:
        return set()
    rest = toks[end:next((i for i in range(end, len(toks)) if toks[i] in (".", ";", "?", "and", "but")), len(toks))]
    part = lateral[1].split()[-1]
    found = re.findall(rf"\b(right|left) (?:\w+ )?{part}s?\b", " ".join(rest))
    return set(found) if len(found) == 1 else set()


def _each_side(cond: Condition, toks: list[str], start: int, end: int) -> list[Condition]:
    """"patellofemoral pain syndrome, in both knees": where ICD-10-CM has no bilateral code, the right and the left
    codes (its guideline for a bilateral condition without one, D320); else the condition as it is."""
    window = toks[max(0, start - 3):min(len(toks), end + 5)]
    if ("both" not in window and "bilateral" not in window) or lateral_code(cond.icd10, "bilateral") is not None:
        return [cond]
    sided = [(side, lat) for side in ("right", "left") if (lat := lateral_code(cond.icd10, side)) is not None]
    if len(sided) != 2:
        return [cond]
    return [Condition(f"{cond.name}, {side} {part}", code, icd10_title(code) or "") for side, (code, part) in sided]


#: the lids named, always with the word lid: "left upper eyelid", "upper and lower lids" ("an upper respiratory
#: infection" names none)
_LIDS = re.compile(r"\b(?:upper|lower|top|bottom)(?: and (?:upper|lower|top|bottom))? (?:eye)?lids?\b")
_ALL_LIDS = re.compile(r"\ball (?:4|four) (?:eye)?lids\b")


def _with_eyelid(cond: Condition, toks: list[str], start: int, end: int) -> Condition:
    """"an external hordeolum, of your left upper eyelid" -> H00.014, not H00.016 (left eye, unspecified eyelid);
    "blepharitis, in both eyes, all four eyelids" -> each eye's "upper and lower eyelids" code (D328)."""
    said = " ".join(_clause_around(toks, start, end, 8, (".", ";", "?")))
    named = {w for m in _LIDS.finditer(said) for w in m.group(0).split() if w in ("upper", "lower", "top", "bottom")}
    upper, lower = bool(named & {"upper", "top"}), bool(named & {"lower", "bottom"})
    if _ALL_LIDS.search(said) or (upper and lower):
        lids = "upper and lower"
    elif upper != lower:
        lids = "upper" if upper else "lower"
    else:
        return cond
    code = eyelid_code(cond.icd10, lids)
    if code is None:
        return cond
    return Condition(f"{cond.name}, {lids} eyelid{'s' if lids == 'upper and lower' else ''}", code, icd10_title(code) or "")


_QUALIFIER_SKIP = frozenset("other specified unspecified with without not eye right left bilateral".split())
_NEGATORS = frozenset("no not without never denies".split())
_CLAUSE_END = frozenset(".;?".split() + ["but"])


def _said_near(word: str, window: list[str]) -> bool:
    """``word`` (or its plural) is in ``window`` and no negator stands in the two tokens before it."""
    return any(t in (word, word + "s") and not _NEGATORS.intersection(window[max(0, i - 2):i])
               for i, t in enumerate(window))


def qualified_code(code: str, toks: list[str], start: int, end: int) -> tuple[str, tuple[str, ...]] | None:
    """The sibling of ``code`` whose one added "with ..." qualifier the clinician states beside the
    condition (ICD-10-CM titles, ``icd10.qualified_siblings``): "acute exacerbation of chronic
    obstructive pulmonary disease" -> J44.1, "migraine with aura" -> G43.109; or whose words specify an
    "unspecified" title (``icd10.specified_siblings``: "ADHD, predominantly inattentive type" -> F90.0).  Only when exactly one
    sibling's qualifier words are all said, none negated, within the clause around the mention."""
    lo, hi = max(0, start - 6), min(len(toks), end + 6)
    before = [i for i in range(lo, start) if toks[i] in _CLAUSE_END]
    after = [i for i in range(end, hi) if toks[i] in _CLAUSE_END]
    window = toks[(before[-1] + 1 if before else lo):(after[0] if after else hi)]
    hits = [(other, words) for other, words in qualified_siblings(code) + specified_siblings(code)
            if len(words) <= 4 and not _QUALIFIER_SKIP.intersection(words)
            and all(_said_near(w, window) for w in words)]
    return hits[0] if len(hits) == 1 else None


def _with_qualifier(cond: Condition, toks: list[str], start: int, end: int) -> Condition:
    found = qualified_code(cond.icd10, toks, start, end)
    if found is None:
        return cond
    code, words = found
    joint = " with " if code in dict(qualified_siblings(cond.icd10)) else ", "  # "..., predominantly inattentive"
    return Condition(f"{cond.name}{joint}{' '.join(words)}", code, icd10_title(code) or "")


def _review_item(sent: Sentence, heard: str, cond: Condition, reason: str, score: float | None = None) -> ReviewItem:
    cand: ReviewCandidate = {"name": cond.name, "icd10": cond.icd10}
    if score is not None:
        cand["score"] = round(score / 100.0, 3)
    return {"kind": "diagnosis", "reason": reason, "heard": heard, "candidates": [cand],
            "segment_ids": list(sent.segment_ids), "sentence_index": sent.index, "sentence_indices": [sent.index]}


#: words that may stand before a "X NOS" name without specifying it: the cue, a verb, a severity or a side
_NOS_BEFORE = frozenset("is are was were be been have has had of with for and or to as like from this that it you he she "
                        "they we mild moderate severe left right bilateral likely probably assessment impression "
                        "diagnosis called".split())


_SITE_AFTER = frozenset("of in on at".split())


def _otherwise_specified(sent: Sentence, m: Match[Condition]) -> bool:
    """A one-word "X NOS" name that something else specifies (D216): a lettered type or a site after it
    ("hepatitis c", "tendinitis of the shoulder": ICD-10-CM codes the site's tendinitis elsewhere), or a word
    before it that is neither a cue nor a severity ("rotator cuff tendinitis", "chronic pancreatitis": "Pancreatitis
    NOS" is acute)."""
    start, end = sent.raw_span(m.start, m.end)
    after = sent.toks[end] if end < len(sent.toks) else ""
    before = next((t for t in reversed(sent.toks[:start]) if t not in FILLERS), "")
    return (len(after) == 1 and after.isalpha()) or after in _SITE_AFTER or (
        before.isalpha() and before not in _NOS_BEFORE)


def _condition_matches(sent: Sentence, start_tok: int, last: int) -> tuple[list[Match[Condition]], list[Match[Condition]]]:
    """The curated and the ICD-10-CM-named conditions that start between ``start_tok`` and ``last``.  The
    longer name wins where they overlap: "rheumatoid arthritis" is M06.9, not the curated "arthritis"
    inside it; otherwise the curated name is kept."""
    def starts_in(m: Match[Condition]) -> bool:
        return start_tok <= sent.raw_span(m.start, m.end)[0] <= last
    titles = icd10_title_lexicon()
    sourced = [m for m in (titles.find(sent.content, SIDE_WORDS) if titles is not None else [])
               if starts_in(m) and not (m.payload.nos and _otherwise_specified(sent, m))]
    curated = [m for m in condition_lexicon()[1].find(sent.content, SIDE_WORDS) if starts_in(m) and not any(
        s.start <= m.start and m.end <= s.end and s.end - s.start > m.end - m.start for s in sourced)]
    covered = {k for m in curated for k in range(m.start, m.end)}
    return curated, [m for m in sourced if not covered.intersection(range(m.start, m.end))]


#: residual codes of a chapter or block, dropped when a code of it says more: "herpes labialis ... from the herpes
#: simplex virus" is not also "viral infection, unspecified" (D239); "It's impetigo. ... It's a skin infection from
#: bacteria" is not also "local infection of the skin, unspecified" (L00-L08, D251)
_RESIDUAL = {"B34.9": ("A", "B"), "B99.9": ("A", "B"), "L08.9": ("L0",)}


def _conditions_in(sent: Sentence, start_tok: int, review: list[ReviewItem] | None = None,
                   last_start: int | None = None) -> list[Condition]:
    """Conditions the clinician states as the patient's, after ``start_tok`` (and starting no later
    than ``last_start`` when given).

    Never coded: a negated, ruled-out, hypothetical or family-history mention, or a hedged one
    ("possible pneumonia"); the hedged ones and every fuzzy (ASR-damaged) match go to ``review``.
    """
    found: list[Condition] = []
    review = review if review is not None else []
    scs = scopes(sent.toks)
    last = len(sent.toks) if last_start is None else last_start
    curated, sourced = _condition_matches(sent, start_tok, last)
    longest = max((m.end - m.start for m in curated + sourced), default=0)
    spoken: dict[str, str] = {}
    for m in curated + sourced:
        ts, te = sent.raw_span(m.start, m.end)
        a = assess(sent.toks, (ts, te), scs)
        lead = " ".join(sent.toks[start_tok:ts])
        if a.negated and not _QUALIFIER_NEG.search(" ".join(sent.toks[a.negation_trigger or 0:te])):
            continue  # "I do not think you have covid", "no evidence of pneumonia", "ruled out"
        if a.hypothetical or a.family or not_a_patient_condition(sent.toks, ts, te):
            continue
        if _not_diagnosed_today(sent.toks, ts, a.historical):
            continue  # "you say you have a cold", "in the past you've had kidney stones": not diagnosed today
        if _HEDGE.search(lead) or _HEDGE.search(" ".join(sent.toks[max(0, ts - 4):ts])):
            review.append(_review_item(sent, " ".join(sent.toks[ts:te]), m.payload, "uncertain"))
            continue
        # the side once more after the qualifier: "trigger finger, in the right ring finger" is M65.341 (D244)
        coded = _with_side(_with_qualifier(_with_side(m.payload, sent.toks, ts, te), sent.toks, ts, te),
                           sent.toks, ts, te)
        for c in (_with_eyelid(c, sent.toks, ts, te) for c in _each_side(coded, sent.toks, ts, te)):
            found.append(c)
            spoken[c.icd10] = " ".join(sent.content[m.start:m.end])
    fuzzy = _fuzzy_condition(sent, start_tok, longest) if last_start is None else None
    if fuzzy is not None:
        cond, _n_words, score, heard = fuzzy
        # a window said exactly as a name was heard clearly: "vitamin d deficiency" is not a garbled
        # "vitamin b12 deficiency"
        if cond.icd10 not in {c.icd10 for c in found} and heard not in spoken.values():
            review.append(_review_item(sent, heard, cond, "unclear wording", score))
            # "moderate persistent asthma with an acute and masturbation", "the topic dermatitis": the clear
            # part alone would be coded J45.40 "uncomplicated" or L30.9 "dermatitis", which is not what the
            # clinician said; when it lies inside the garbled phrase, both go to review
            for c in [c for c in found if f" {spoken[c.icd10]} " in f" {heard} " and len(c.name) < len(cond.name)]:
                found.remove(c)
                review.append(_review_item(sent, heard, c, "unclear wording"))
    return found


FUZZY_DX_MIN = 86.0


#: the clinician repeating what the patient said is not a diagnosis: "you say you have a cold"
_REPORTED = re.compile(r"\byou (say|said|mentioned|told me|were saying|have mentioned|have said|think)\b")
#: an episode in the past ("in the past you have had kidney stones"), unlike "a history of
#: hypertension", which names a condition the patient still has
_PAST_EPISODE = re.compile(r"\b(in the past|used to|years ago|as a child|when i was younger|previously had|long time ago)\b")


def _not_diagnosed_today(toks: list[str], start: int, historical: bool) -> bool:
    """The patient's words repeated, or a past episode: no code for today's visit."""
    return bool(_REPORTED.search(" ".join(toks[max(0, start - 12):start]))) or (
        historical and bool(_PAST_EPISODE.search(" ".join(toks[max(0, start - 8):start]))))


#: function words no condition's name begins or ends with: a window edged by one is the name with its
#: neighbour ("is hyperlipidemia"), whose likeness to a longer name ("mixed hyperlipidemia") is no garbling
_EDGE_WORDS = frozenset("is are was were be been am has have had it this that these those you he she they we i "
                        "to for and or but with on at in by as from".split())


def _fuzzy_condition(sent: Sentence, start_tok: int, min_words: int = 0) -> tuple[Condition, int, float, str] | None:
    """Best synonym by rapidfuzz ratio over content-word windows after the trigger:
    (condition, synonym words, score 0-100, heard window).  Review only, never coded (D37): on
    ACI-Bench train, wrong matches score as high as right ones (86-94).  Each synonym of n words is
    compared with the windows of n - 1 to n + 1 words; the best score wins, then the longer synonym, then
    the first in the lexicon; a synonym's first best window is its heard window."""
    first_c = next((c for c, t in enumerate(sent.cmap) if t >= start_tok), len(sent.content))
    words = [w for w in sent.content[first_c:] if w.isalnum()]
    best: tuple[float, int, int, Condition | None, str] = (0.0, 0, 0, None, "")  # score, n, -order, ...
    for n, synonyms in _fuzzy_synonyms().items():
        windows = [w for size in (n - 1, n, n + 1) for w in _windows(words, size)]
        if n <= min_words or not windows:
            continue
        for (order, _phrase, payload), scores in zip(synonyms, ratio_matrix([s[1] for s in synonyms], windows)):
            top = max(scores)  # the ratio is symmetric: one row of scores per synonym
            if (top, n, -order) > best[:3]:
                best = (top, n, -order, payload, windows[scores.index(top)])
    if best[3] is not None and best[0] >= FUZZY_DX_MIN and not _is_symptom(best[4]):
        return best[3], best[1], best[0], best[4]
    return None


@lru_cache(maxsize=1)
def _fuzzy_synonyms() -> dict[int, list[tuple[int, str, Condition]]]:
    """The condition synonyms of eight letters or more, by their number of words, each with its place in
    the lexicon: (place, phrase, condition)."""
    _by_code, matcher = condition_lexicon()
    out: dict[int, list[tuple[int, str, Condition]]] = {}
    for order, (key, payload) in enumerate(kp for lst in matcher._index.values() for kp in lst):
        if len(" ".join(key)) >= 8:
            out.setdefault(len(key), []).append((order, " ".join(key), payload))
    return out


def _windows(words: list[str], size: int) -> list[str]:
    """The windows of ``size`` words, in order, but those edged by a function word: "is hyperlipidemia" is no
    garbled "mixed hyperlipidemia" (D216)."""
    if size < 1:
        return []
    spans = (words[i:i + size] for i in range(0, max(0, len(words) - size) + 1))
    return [" ".join(span) for span in spans if span and not _EDGE_WORDS.intersection((span[0], span[-1]))]


def _is_symptom(window: str) -> bool:
    """A window that is exactly a symptom's spoken form ("sore throat") is a symptom, not a garbled
    diagnosis ("strep throat")."""
    words = window.split()
    return any(m.start == 0 and m.end == len(words) for m in symptom_lexicon().matcher.find(words))


def _sided_kept(conds: list[Condition]) -> list[Condition]:
    """An unspecified-side code is dropped when its sided sibling is coded too ("tennis elbow, lateral
    epicondylitis of the right elbow": M77.11, not M77.10 beside it)."""
    codes = {c.icd10 for c in conds}
    return [c for c in conds if not any((lat := lateral_code(c.icd10, side)) is not None and lat[0] in codes
                                        for side in ("left", "right", "bilateral"))]


def _dedupe_codes(conds: list[Condition]) -> list[Condition]:
    out: list[Condition] = []
    seen: set[str] = set()
    for c in conds:
        if c.icd10 in seen:
            continue
        seen.add(c.icd10)
        out.append(c)
    # drop an unspecified code when a more specific one of the same category exists
    cats: dict[str, list[Condition]] = {}
    for c in out:
        cats.setdefault(c.icd10[:3], []).append(c)
    keep: list[Condition] = []
    for c in out:
        same = cats[c.icd10[:3]]
        if len(same) > 1 and (c.icd10.endswith("9") or c.icd10.endswith(".A")) and any(o is not c and not o.icd10.endswith("9") for o in same):
            continue
        # "blepharitis" (H01.009) and its "inflammation of the eyelid" (H01.9): the category's own unspecified code
        # goes when a subcategory of it is coded (D320)
        if len(c.icd10) == 5 and c.icd10.endswith(".9") and any(o.icd10[4:5] not in ("", "9") for o in same):
            continue
        if any(specified_by(c.icd10, o.icd10) for o in same):
            continue
        keep.append(c)
    codes = [c.icd10 for c in keep]
    keep = [c for c in keep if not any(o != c.icd10 and o.startswith(_RESIDUAL.get(c.icd10, ())) for o in codes)]
    return [c for c in keep if not excluded_by(c.icd10, codes)]  # ICD-10-CM Excludes1 (D205)


def extract_diagnoses(turns: list[Turn]) -> tuple[list[Diagnosis], list[Sentence]]:
    """(diagnoses the clinician stated, the sentences they came from)."""
    diagnoses, used, _review = diagnose(turns)
    return diagnoses, used


def diagnose(turns: list[Turn]) -> tuple[list[Diagnosis], list[Sentence], list[ReviewItem]]:
    """(diagnoses, their sentences, needs_review items for unclear or hedged diagnoses).

    Only a clinician's statement (not a question) with an assessment trigger is read; without a
    strong trigger ("assessment", "diagnosis") weaker ones count ("I think you have"), but never for
    symptom R-codes.  Every code is checked against ICD-10-CM (``icd10.py``).
    """
    clin = [s for t in turns if t.role in ("clinician", "unknown") for s in t.sentences if not s.is_question]
    strong: list[tuple[Sentence, int]] = []
    for s in clin:
        m = _STRONG.search(s.norm)
        if m:
            strong.append((s, len(s.norm[: m.end()].split())))
    conds: list[Condition] = []
    used: list[Sentence] = []
    review: list[ReviewItem] = []
    for s, start in strong:
        found = _conditions_in(s, start, review)
        if found:
            conds.extend(found)
            used.append(s)
    unclear = {r["candidates"][0]["icd10"][:3] for r in review}
    for s, found in _problem_conditions(clin, review):
        # "this visit is for your asthma" next to an assessment heard as "asthma with an acute and
        # masturbation": the plain code would stand in for what went to review
        found = [c for c in found if c.icd10[:3] not in unclear]
        if found:
            conds.extend(found)
            used.append(s)
    if not conds:
        for i, s in enumerate(clin):
            if i and _names_the_denied(clin[i - 1], s):
                continue
            found = _weak_conditions(s, review)
            if found:
                conds.extend(found)
                used.append(s)
    conds += _status_only(clin, conds, used, review)
    conds = _sided_kept([c for c in _dedupe_codes(conds) if is_billable(c.icd10)])
    out = [{"name": c.name, "icd10": c.icd10, **({"icd10_title": t} if (t := icd10_title(c.icd10)) else {})}
           for c in conds]
    coded = {c.icd10 for c in conds}
    review = [r for r in review if r["candidates"][0]["icd10"] not in coded]
    return cast("list[Diagnosis]", out), used, _dedupe_review(review)  # icd10_title only when known


#: a sentence that only names what the sentence before it spoke of: "That's called cholecystitis."
_NAMES_BACK = re.compile(r"^(?:and |so )?(?:that|this|it) (?:is|was|would be|are) (?:called|what (?:we|doctors) call)\b")
_DENIES_BEFORE = re.compile(r"\b(?:not|no|never|nothing|without)\b")


def _names_the_denied(before: Sentence, s: Sentence) -> bool:
    """"I don't think your gallbladder is infected right now. That's called cholecystitis.": the name given to what
    the sentence before denied is no diagnosis (D310)."""
    return bool(_NAMES_BACK.match(s.norm)) and bool(_DENIES_BEFORE.search(before.norm))


def _weak_conditions(s: Sentence, review: list[ReviewItem]) -> list[Condition]:
    """Conditions after a weak cue ("I think you have", "this looks like"), never a symptom code (R..);
    after a plain cue only (D134), a condition that follows it at once, exactly named (``last_start``:
    no fuzzy reading, so no review item)."""
    matches = list(_WEAK.finditer(s.norm))
    m = next((x for x in matches if not _PLAIN_CUE.fullmatch(x.group(0)) and not _naming_hypothetically(s.norm, x)), None)
    if m is not None:
        return _after_cue(s, len(s.norm[: m.start()].split()), None, review)
    found: list[Condition] = []
    for m in matches:  # plain cues only: each must be followed at once by the condition (D182: every one)
        if not _PLAIN_CUE.fullmatch(m.group(0)) or _IF_CLAUSE.search(s.norm[: m.start()]):
            continue  # "if the culture is positive, it's strep throat": not said to be
        last = len(s.norm[: m.end()].split())
        while last < len(s.toks) and s.toks[last] in _PLAIN_FILL:
            last += 1
        found += [c for c in _after_cue(s, len(s.norm[: m.start()].split()), last, review) if c not in found]
    return found


#: a name given to something ("what we call vaginal atrophy") states a diagnosis only when nothing before it makes it a
#: possibility: "If it gets worse, it could turn into what we call cellulitis" (D284)
_NAMING_CUE = re.compile(r"what (?:we|doctors) call|(?:what|which) is called")
_MODAL = re.compile(r"\b(?:could|might|may|would|can|will)\b")


def _naming_hypothetically(norm: str, m: re.Match[str]) -> bool:
    before = norm[: m.start()]
    return bool(_NAMING_CUE.fullmatch(m.group(0))) and bool(_IF_CLAUSE.search(before) or _MODAL.search(before))


#: a condition clause before a plain cue's comma (D182)
_IF_CLAUSE = re.compile(r"\b(?:if|unless|in case|when|whenever|once|whether|should|assuming|suppose)\b")


def _after_cue(s: Sentence, start: int, last: int | None, review: list[ReviewItem]) -> list[Condition]:
    """The conditions after a weak cue at token ``start`` (starting by ``last``), no symptom code (R.. naming a
    symptom)."""
    weak_review: list[ReviewItem] = []
    # "It's prediabetes" (R73.03): an R code that names no symptom is a diagnosis like any other (D250)
    found = [c for c in _conditions_in(s, start, weak_review, last) if not c.icd10.startswith("R") or not _is_symptom(c.name)]
    review.extend(r for r in weak_review if not r["candidates"][0]["icd10"].startswith("R"))
    return found


def _problem_conditions(clin: list[Sentence], review: list[ReviewItem]) -> list[tuple[Sentence, list[Condition]]]:
    """Conditions a problem-oriented plan names ("for your second problem, your hypertension",
    "from a depression standpoint"): only the condition the cue introduces, never a symptom (R) or
    encounter (Z) code ("presents for her annual exam")."""
    out: list[tuple[Sentence, list[Condition]]] = []
    for s in clin:
        windows = [(n := len(s.norm[: m.end()].split()), n + 1) for pat in (_PROBLEM, _PROBLEM_ORDINAL)
                   for m in pat.finditer(s.norm)]
        windows += [(n := len(s.norm[: m.start(1)].split()), n + len(m.group(1).split()) - 1)
                    for m in _STANDPOINT.finditer(s.norm)]
        found = [c for first, last in windows if _heads_a_plan(s, last)
                 for c in _conditions_in(s, first, review, last) if not c.icd10.startswith(("R", "Z"))]
        if found:
            out.append((s, found))
    return out


#: diabetes said to be poorly controlled is coded "with hyperglycemia" (ICD-10-CM index: "Diabetes, poorly
#: controlled - code to Diabetes, by type, with hyperglycemia"; the same for "uncontrolled", "out of control")
_POOR_CONTROL = re.compile(r"\b(?:not (?:well |very well )?(?:controlled|under control)|poorly controlled|uncontrolled|"
                           r"out of control|not been (?:well )?(?:controlled|under control))\b")
_WITH_HYPERGLYCEMIA = {"E11.9": "E11.65", "E10.9": "E10.65"}


def _status_only(clin: list[Sentence], conds: list[Condition], used: list[Sentence],
                 review: list[ReviewItem]) -> list[Condition]:
    """Conditions only a status statement (D208) or a positive test (D212) names; one whose category is coded
    already is that condition said again, less precisely ("acute on chronic systolic heart failure ... your heart
    failure is flaring")."""
    out: list[Condition] = []
    for s in clin:
        categories = {c.icd10[:3] for c in conds + out}
        found = [c for c in _status_conditions(s, review) + _tested_positive(s, review)
                 if c.icd10[:3] not in categories]
        if found:
            out += found
            used.append(s)
    return out


def _status_conditions(s: Sentence, review: list[ReviewItem]) -> list[Condition]:
    """Conditions whose status the clinician states ("your hypertension is well controlled"): the patient has
    them (D208); never a symptom (R) or encounter (Z) code ("your pain is better")."""
    found: list[Condition] = []
    by_code = condition_lexicon()[0]
    for m in _STATUS.finditer(s.norm):
        first = len(s.norm[: m.start(1)].split())
        poor = bool(_POOR_CONTROL.search(m.group(0)))
        for c in _conditions_in(s, first, review, first):
            c = by_code.get(_WITH_HYPERGLYCEMIA.get(c.icd10, ""), c) if poor else c
            if not c.icd10.startswith(("R", "Z")) and c not in found:
                found.append(c)
    return found


#: a positive test the clinician reports confirms the condition it tests for (D212): "you tested positive for
#: covid", "the swab came back positive for strep"; "your strep test is positive"
_POSITIVE_FOR = re.compile(r"\b(?:tested|tests?|swab|culture|screen|came back|comes back|is|was|were|are) positive for ")
_TEST_POSITIVE = re.compile(r"\b(?:your|the|his|her) ((?:\S+ ){0,3}?\S+) (?:test|swab|screen|culture) "
                            r"(?:is|was|came back|has come back|came out|were|are) (?:also )?positive\b")


def _tested_positive(s: Sentence, review: list[ReviewItem]) -> list[Condition]:
    """Conditions a positive test confirms, never a symptom (R) or encounter (Z) code."""
    found: list[Condition] = []
    for m in _POSITIVE_FOR.finditer(s.norm):
        first = len(s.norm[: m.end()].split())
        found += [c for c in _conditions_in(s, first, review, first + 1) if c not in found]
    for m in _TEST_POSITIVE.finditer(s.norm):  # the name qualifies "test": read the test's name alone
        first = len(s.norm[: m.start(1)].split())
        found += [c for c in _test_named(s, first, first + len(m.group(1).split())) if c not in found]
    return [c for c in found if not c.icd10.startswith(("R", "Z"))]


def _test_named(s: Sentence, first: int, end: int) -> list[Condition]:
    """The condition that names the test in ``s.toks[first:end]`` ("your covid test"), if the sentence states
    it of the patient: not negated, hypothetical or about a relative."""
    curated, sourced = _condition_matches(s, first, end - 1)
    scs = scopes(s.toks)
    out = []
    for m in curated + sourced:
        ts, te = s.raw_span(m.start, m.end)
        a = assess(s.toks, (ts, te), scs)
        if te == end and not (a.negated or a.hypothetical or a.family or _FAMILY_SENTENCE.search(" ".join(s.toks[:ts]))):
            out.append(m.payload)
    return out


#: how far a problem's plan reaches in a sentence with no other problem cue (ACI-Bench turns run unpunctuated)
_PLAN_REACH = 40


def _heads_a_plan(s: Sentence, last_start: int) -> bool:
    """The words after the cue's condition, up to the next problem cue (D202), manage it and deny nothing
    (qualifiers such as "not at goal" aside)."""
    tail = " ".join(s.toks[last_start + 1:last_start + 1 + _PLAN_REACH])
    nxt = _PROBLEM.search(tail)
    tail = _QUALIFIER_NEG.sub("", tail[:nxt.start()] if nxt is not None and nxt.start() > 0 else tail)
    return bool(_MANAGED.search(tail)) and not _DENIED.search(tail)


def _dedupe_review(items: list[ReviewItem]) -> list[ReviewItem]:
    seen: set[str] = set()
    out = []
    for r in items:
        code = r["candidates"][0]["icd10"]
        if code not in seen:
            seen.add(code)
            out.append(r)
    return out


# --------------------------------------------------------------------------- orders
_ORDER_TRIGGER = re.compile(
    r"\b(order|ordering|ordered|orders|check|checking|recheck|rechecking|get|getting|send|sending|draw|drawing|run|running|do|doing|"
    r"schedule|scheduling|arrange|arranging|refer|referring|referral|referred|set you up|sign you up|"
    r"recommend|recommending|want you to|would like you to|like you to|need|needs|go for|put in|putting in|"
    r"consult|start|starting|see|obtain|repeat|have you|give you|giving you|going to do|we will do|book|test|"
    r"swab|scrape|scraping|perform|performing|try|request|requesting|want|would like|like a|like an|plan|planning|let us get|"
    r"will give you|we will give|for the (?:blood work|bloodwork|labs|blood tests|bloods)|"  # "For the blood work, a ..." (D237)
    r"we (?:just |already )?(?:did|ran))\b"  # "We did an EKG while you were waiting" (D340)
)
#: the clinician giving an injection now, said by its verb: "I would inject triamcinolone", "we can inject it today" (D237)
_INJECTS = re.compile(r"\b(?:i will|i would|i am going to|let me|we can|we will|we are going to|i can) (?:just )?inject\b")
_PURPOSE = re.compile(r"(?<!want )(?<!like )(?<!need )(?<!going )(?<!have )(?<!plan )\b(to check|to look|to see|to make sure|to rule out|to evaluate|to monitor|to measure|because|so that)\b")
#: a test reported with a result at this visit was done today ("urine dip today is positive")
_DONE_TODAY = re.compile(
    r"^\s*(?:(?:today|that|which|we|i|you|they|did|ran|just|here|in|the|office|clinic)\s+){0,3}"
    r"(is|was|came back|shows|showed|were|are)\s+(today\s+)?(positive|negative|normal|abnormal|showing|consistent|clear)\b"
    r"|^\s*(today|here)\b.*\b(positive|negative)\b"
)
#: a condition before the order verb makes it a plan for later: "if it's no better, we'll get an x-ray"
_CONDITIONAL = re.compile(r"\b(if|unless|in case)\b")
_PAST_MARK = re.compile(r"\b(last|previous|prior|recent|old|from before)\b")
_RESULT = re.compile(r"^\s*(was|is|were|are|came back|showed|shows|of|at|result|results|level)\b")
_RESULT_PRE = re.compile(r"\b(last|recent|previous|prior|your)\s*$")


def extract_orders(turns: list[Turn]) -> tuple[list[Order], list[Sentence]]:
    matcher = order_lexicon()
    orders: dict[tuple[str, str], Order] = {}
    used: list[Sentence] = []
    for t in turns:
        if t.role not in ("clinician", "unknown"):
            continue
        for i, s in enumerate(t.sentences):
            if s.is_question:
                continue
            hits = matcher.find(s.content)
            if _done_today(s, hits, orders):
                used.append(s)
            goes_on = i > 0 and _continues_order(s, t.sentences[i - 1], hits)
            if (goes_on and _lexicon_orders(s, hits, 0, orders)[0]) or _ordered(s, hits, orders) or (
                    i and not hits and _referral_named_before(s, t.sentences[i - 1], orders)):
                used.append(s)
            if _INJECTS.search(s.norm) and not _CONDITIONAL.search(s.norm):
                orders.setdefault(("procedure", "injection"), {"kind": "procedure", "name": "injection"})
    # a specific item makes the generic "blood work" redundant
    if any(k[0] == "lab" and k[1] != "blood work" for k in orders):
        orders.pop(("lab", "blood work"), None)
    # "a pelvic ultrasound" and then "your ultrasound", "a knee x-ray" and "the x-ray": one study (D340)
    for kind, name in [k for k in orders if k[0] == "imaging"]:
        if any(o[0] == kind and o[1] != name and set(name.split()) < set(o[1].split()) for o in orders):
            orders.pop((kind, name))
    return list(orders.values()), used


#: a sentence that goes on with the order of the sentence before: it opens with an item ("Gonorrhea and chlamydia from
#: the swab I took, plus blood tests for HIV and syphilis.", "And a urine pregnancy test before you start.") and says
#: nothing of what is or would be (D340)
_LIST_OPENER = frozenset(("and", "plus", "also", "a", "an", "the", "some", "then"))
_STATES = re.compile(r"\b(?:is|are|was|were|will|would|could|might|should|shows?|showed|can|cannot)\b")


def _continues_order(s: Sentence, prev: Sentence, hits: list[Any]) -> bool:
    if not hits or prev.is_question or _STATES.search(s.norm):
        return False
    trig = _ORDER_TRIGGER.search(prev.norm)
    if not trig or _CONDITIONAL.search(prev.norm) or _THEN_WOULD.match(prev.norm):
        return False
    first = s.raw_span(hits[0].start, hits[0].end)[0]
    return all(t in _LIST_OPENER for t in s.toks[:first])


#: the consequence of a condition said in the sentence before: "Then I'd send you to a urogynecologist." (D281)
_THEN_WOULD = re.compile(r"^(?:and |so |but )?then (?:i|we|they) (?:would|could|might)\b")
#: a referral made without naming to whom: "I'm sending a referral", "I'll put in the referral" (D280)
_REFERRAL_ALONE = re.compile(r"\b(?:send|sending|put in|putting in|place|placing|make|making|write|writing|do|doing)"
                             r" (?:you )?(?:a|the|that) referral\b(?! (?:to|for)\b)")


def _referral_named_before(s: Sentence, prev: Sentence, orders: dict[tuple[str, str], Order]) -> bool:
    """"Physical therapy is the main treatment ... I'm sending a referral.": a referral said alone is to the
    referral item the clinician's sentence just before named; whether there was one."""
    if not _REFERRAL_ALONE.search(s.norm) or _CONDITIONAL.search(s.norm):
        return False
    scs = scopes(prev.toks)
    got = False
    for m in order_lexicon().find(prev.content):
        ts, te = prev.raw_span(m.start, m.end)
        if m.payload.kind == "referral" and not _not_ordered(prev, ts, te, scs):
            key = (m.payload.kind, _order_name(prev, m.payload, ts, te))
            orders.setdefault(key, {"kind": key[0], "name": key[1]})
            got = True
    return got


def _done_today(s: Sentence, hits: list[Any], orders: dict[tuple[str, str], Order]) -> bool:
    """Add the tests done at this visit and reported with a result; whether there were any."""
    done = False
    for m in hits:
        ts, te = s.raw_span(m.start, m.end)
        if _DONE_TODAY.search(" ".join(s.toks[te:te + 6])) and not _PAST_MARK.search(" ".join(s.toks[max(0, ts - 3):ts])):
            orders.setdefault((m.payload.kind, m.payload.name), {"kind": m.payload.kind, "name": m.payload.name})
            done = True
    return done


def _ordered(s: Sentence, hits: list[Any], orders: dict[tuple[str, str], Order]) -> bool:
    """Add the items ordered after an order verb (lexicon names, then ASR-damaged ones); whether there were any."""
    trig = _ORDER_TRIGGER.search(s.norm)
    if not trig or _CONDITIONAL.search(s.norm[: trig.start()]) or _THEN_WOULD.match(s.norm):
        return False  # "if it's no better, we'll get an x-ray then": not ordered today (D157)
    trig_tok = len(s.norm[: trig.start()].split())
    got_any, cut = _lexicon_orders(s, hits, trig_tok, orders)
    for kind_name in _fuzzy_orders(s, trig_tok, hits, cut):
        orders.setdefault(kind_name, {"kind": kind_name[0], "name": kind_name[1]})
        got_any = True
    return got_any


def _lexicon_orders(s: Sentence, hits: list[Any], trig_tok: int,
                    orders: dict[tuple[str, str], Order]) -> tuple[bool, int | None]:
    """Add the lexicon items after the order verb, up to a stated purpose ("... to check your kidneys");
    whether there were any, and the token where the purpose begins."""
    scs = scopes(s.toks)
    first_cut = cut = resume = None
    got_any = False
    for m in hits:
        ts, te = s.raw_span(m.start, m.end)
        if ts < trig_tok:
            continue
        if cut is not None and ts >= cut:
            if resume is None or ts < resume:
                continue  # within the purpose: "... a lipase to check the pancreas"
            cut = None
        if _not_ordered(s, ts, te, scs):
            continue
        key = (m.payload.kind, _order_name(s, m.payload, ts, te))
        if key not in orders:
            orders[key] = {"kind": key[0], "name": key[1]}
        got_any = True
        if cut is None and (cut := _purpose_start(s, te)) is not None:
            first_cut, resume = first_cut if first_cut is not None else cut, _next_item_start(s, cut)
    return got_any, first_cut


def _next_item_start(s: Sentence, start: int) -> int | None:
    """Where the list goes on after a purpose: "a lipase to check the pancreas, and a complete blood count" (a comma
    and then "and a/an", "a/an" or "plus"; D333)."""
    toks = s.toks
    for i in range(start, len(toks) - 2):
        if toks[i] == "," and (toks[i + 1] in ("a", "an", "plus") or toks[i + 1] == "and" and toks[i + 2] in ("a", "an")):
            return i + 1
    return None


def _not_ordered(s: Sentence, ts: int, te: int, scs: list[Scope]) -> bool:
    """A negated, hypothetical or family mention, or an earlier result ("your last A1c was 8.4")."""
    a = assess(s.toks, (ts, te), scs)
    if a.negated or a.hypothetical or a.family:
        return True
    after = " ".join(s.toks[te:te + 3])
    before = " ".join(s.toks[max(0, ts - 2):ts])
    return bool(_RESULT.search(after) and _RESULT_PRE.search(before))


_NOT_A_PART = frozenset(("right", "left", "both", "now", "today", "and", "to", "in", "which", "that", "is", "was"))
_SIDE_WORDS = {"left": "left", "right": "right", "both": "bilateral", "bilateral": "bilateral"}


#: where a CT, MRI or ultrasound looks, said after it ("a CT of the abdomen and pelvis") or before it ("a pelvic
#: ultrasound") (D210)
_IMAGED_SITES = frozenset((
    "head brain sinuses sinus neck chest lungs heart abdomen abdominal pelvis pelvic spine lumbar cervical thoracic "
    "shoulder elbow wrist hand hip knee ankle foot leg legs arm gallbladder liver kidney kidneys renal bladder "
    "thyroid carotid carotids breast breasts scrotum scrotal testicles transvaginal prostate").split())
_SITE_FILL = frozenset(("of", "your", "the", "my", "his", "her", "scan", "both", "and"))
_SECTIONAL = {"CT scan": "CT", "MRI": "MRI", "ultrasound": "ultrasound"}


def _imaged_site(s: Sentence, ts: int, te: int) -> str | None:
    """The body site a sectional scan names in the six words after it ("and" joining two) or, failing
    that, the site word right before it."""
    words: list[str] = []
    for w in s.toks[te:te + 6]:
        if w in _IMAGED_SITES or (w == "and" and words):
            words.append(w)
        elif w not in _SITE_FILL or (words and words[-1] != "and"):
            break  # a filler only before the site ("of the") or after its "and" ("and the pelvis")
    while words and words[-1] == "and":
        words.pop()
    if words:
        return " ".join(words)
    before = s.toks[ts - 1] if ts > 0 else ""
    return before if before in _IMAGED_SITES else None


def _order_name(s: Sentence, item: OrderItem, ts: int, te: int) -> str:
    if item.name in _SECTIONAL and (site := _imaged_site(s, ts, te)):
        modality = _SECTIONAL[item.name]
        return f"{site} {modality}" if modality == "ultrasound" else f"{modality} {site}"
    if item.name == "x-ray":
        # "x ray of your knee" -> "knee x-ray"; "x-rays of both your knees" -> "bilateral knee x-ray"
        rest = [w for w in s.toks[te:te + 4] if w not in ("of", "your", "the", "my", "his", "her")]
        side = _SIDE_WORDS.get(rest[0]) if rest else None
        part = rest[1 if side else 0] if len(rest) > (1 if side else 0) else ""
        if part.isalpha() and part not in _NOT_A_PART:
            part = part[:-1] if side == "bilateral" and part.endswith("s") else part
            return f"{side} {part} x-ray" if side else f"{part} x-ray"
    if item.name == "blood work":
        return _blood_test_name(s, te) or item.name
    if item.name == "culture":
        return _cultured(s) or item.name
    return item.name


#: what a bare "culture" grows, by the specimen the sentence names (D333)
_SPECIMENS = (("wound culture", frozenset("pus wound spot spots sore sores abscess boil drainage blister".split())),
              ("urine culture", frozenset("urine pee".split())), ("throat culture", frozenset(("throat",))),
              ("sputum culture", frozenset("sputum phlegm mucus".split())), ("stool culture", frozenset(("stool",))))


def _cultured(s: Sentence) -> str | None:
    """"I'll send some of the pus for a culture" is a wound culture; one specimen named, else none."""
    named = [name for name, words in _SPECIMENS if words.intersection(s.toks)]
    return named[0] if len(named) == 1 else None


#: what a blood test is for, said right after it: "a blood test to rule out celiac disease"
_TESTED_FOR = re.compile(r"^(?:to (?:rule out|check for|look for|test for|screen for)|for|looking for|checking for) ")
_NAMED_BEFORE = frozenset(("antibody", "antibodies", "titer", "titre", "level", "levels"))
_FUNCTION_BEFORE = frozenset(("a", "an", "the", "your", "his", "her", "their", "some", "any", "that"))


def _blood_test_name(s: Sentence, te: int) -> str | None:
    """A blood test named by what it looks for (D139): the condition said right after a purpose ("a blood test
    to rule out celiac disease" -> "celiac disease blood test"), or the analyte said before it ("a Lyme
    antibody blood test" -> "lyme antibody blood test")."""
    ts = te - 1
    while ts > 0 and s.toks[ts - 1] in ("blood", "work", "test", "tests", "bloodwork"):
        ts -= 1
    if ts >= 2 and s.toks[ts - 1] in _NAMED_BEFORE and s.toks[ts - 2].isalpha() \
            and s.toks[ts - 2] not in _FUNCTION_BEFORE:
        return f"{s.toks[ts - 2]} {s.toks[ts - 1]} blood test"
    m = _TESTED_FOR.match(" ".join(s.toks[te:]))
    if m is None:
        return None
    start = te + len(m.group(0).split())
    matchers = [condition_lexicon()[1]] + ([t] if (t := icd10_title_lexicon()) is not None else [])
    spans = [s.raw_span(c.start, c.end) for matcher in matchers for c in matcher.find(s.content)]
    named = max((e for b, e in spans if b == start), default=None)
    return f"{' '.join(s.toks[start:named])} blood test" if named else None


def _purpose_start(s: Sentence, te: int) -> int | None:
    pm = _PURPOSE.search(" ".join(s.toks[te:]))
    return te + len(" ".join(s.toks[te:])[: pm.start()].split()) if pm else None


FUZZY_ORDER_MIN = 86.0


def _order_terms() -> list[tuple[str, OrderItem]]:
    global _TERMS
    if _TERMS is None:
        _TERMS = [("".join(k), p) for lst in order_lexicon()._index.values() for k, p in lst if len("".join(k)) >= 8]
    return _TERMS


_TERMS: list[tuple[str, OrderItem]] | None = None


def _fuzzy_orders(s: Sentence, trig_tok: int, hits: list[Any], cut: int | None) -> list[tuple[str, str]]:
    """ASR-damaged order names ("your in culture" -> urine culture) after an order verb."""
    covered = {k for m in hits for k in range(*s.raw_span(m.start, m.end))}
    end = cut if cut is not None else len(s.toks)
    if re.search(r"\b(is|was|came back) (positive|negative)\b", s.norm):
        trig_tok = 0  # a test reported with its result: the name precedes the verb
    pm = _PURPOSE.search(" ".join(s.toks[trig_tok:end]))
    if pm:
        end = trig_tok + len(" ".join(s.toks[trig_tok:end])[: pm.start()].split())
    out: list[tuple[str, str]] = []
    terms = _order_terms()
    for i in range(trig_tok, end):
        for n in (1, 2, 3):
            span = range(i, i + n)
            if i + n > end or covered.intersection(span) or not all(s.toks[k].isalpha() for k in span):
                continue
            cand = "".join(s.toks[i:i + n])
            if len(cand) < 7:
                continue
            best = max(((ratio(cand, t), p) for t, p in terms), key=lambda x: x[0], default=(0.0, None))
            if best[1] is not None and best[0] >= FUZZY_ORDER_MIN:
                out.append((best[1].kind, best[1].name))
                covered.update(span)
    return out


# --------------------------------------------------------------------------- follow-up
_FU_TRIGGER = re.compile(
    r"\b(come back|coming back|see (?:you|me|him|her|them)|see how (?:you|he|she|they|things|it) (?:are|is|am)? ?(?:doing|going)|follow up|fall up|follow|return|recheck|rechecking|check back|"
    r"(?:will|'ll|going to) (?:be )?check(?:ing)?|back in|"
    r"appointment|visit|schedule|scheduled|check in|touch base|see each other|"
    r"check (?:up )?on (?:you|him|her|them)"  # "let's check on you in three months" (D159)
    r"|(?:peek at|look at|take a look at|check|see) (?:you|him|her|them|it|the \w+) again|on the books"  # D242
    r"|(?:want|need) (?:me|him|her|them|us) back)\b"  # "When do you want me back?" (D280)
)
_FU_INTERVAL = re.compile(
    r"\bin\s+(?:about\s+|another\s+|around\s+)?(\d+(?:\.\d+)?|a|an|1|a couple of|a couple|couple of|a few)\s+"
    r"(day|days|week|weeks|month|months|year|years)\b"
)
_FU_NEXT = re.compile(r"\bnext\s+(week|month|year)\b")
#: "book that visit with me three months from now" (D105)
_FU_FROM_NOW = re.compile(r"\b(\d+(?:\.\d+)?|a|an|a couple of|a few)\s+(day|days|week|weeks|month|months|year|years)\s+from\s+"
                          r"(?:now|today)\b")


def _interval(q: str, unit: str) -> str:
    q = q.strip()
    if q in ("a", "an"):
        n = "1"
    elif "couple" in q:
        n = "2"
    elif q == "a few":
        n = "a few"
    else:
        v = float(q)
        n = str(int(v)) if v.is_integer() else str(v)
    base = unit.rstrip("s")
    return f"1 {base}" if n == "1" else f"{n} {base}s"


def _sentence_interval(norm: str, start: int) -> str | None:
    """The follow-up interval at most 12 words after ``start`` ("in four weeks", "next month")."""
    tail = norm[start:]
    m = _FU_INTERVAL.search(tail)
    if m and len(tail[: m.start()].split()) <= 12:
        return _interval(m.group(1), m.group(2))
    m2 = _FU_NEXT.search(tail)
    if m2 and len(tail[: m2.start()].split()) <= 12:
        return f"1 {m2.group(1)}"
    m3 = _FU_FROM_NOW.search(tail)
    if m3 and len(tail[: m3.start()].split()) <= 12:
        return _interval(m3.group(1), m3.group(2))
    return None


def extract_follow_up(turns: list[Turn]) -> tuple[str | None, Sentence | None]:
    """The last return interval a clinician gives: after a return phrase ("come back in four weeks",
    "I will see him again in one week"), or as the answer to a patient's or relative's question about
    returning ("When should she come back?" - "In two months, or sooner if ...")."""
    found: tuple[str | None, Sentence | None] = (None, None)
    asked = False
    for t in turns:
        if t.role not in ("clinician", "unknown"):
            asked = any(s.is_question and _FU_TRIGGER.search(s.norm) for s in t.sentences)
            continue
        for i, s in enumerate(t.sentences):
            starts = [m.start() for m in _FU_TRIGGER.finditer(s.norm)]
            if asked and i == 0 and _FU_INTERVAL.match(s.norm) is not None:
                starts.insert(0, 0)  # the answer to a question about returning
            # the first return phrase that an interval follows ("we will check ... book that visit 3 months from now")
            interval = next((iv for at in starts if (iv := _sentence_interval(s.norm, at))), None)
            if interval:
                found = (interval, s)
        asked = False
    return found


def condition_mentions(sent: Sentence) -> list[Condition]:
    """Every condition a sentence names, curated or by its ICD-10-CM name (the scorers' reading of a note)."""
    curated, sourced = _condition_matches(sent, 0, len(sent.toks))
    return [m.payload for m in curated + sourced]


__all__ = ["extract_diagnoses", "extract_orders", "extract_follow_up", "condition_mentions", "phrase_key"]
