"""Adverse drug reactions stated in passing, outside an answer to "any allergies?".

Patients report reactions as events, not as allergies: "penicillin gives me hives", "when I took
erythromycin I broke out in hives", "she can't take amoxicillin, she got a rash", "the lisinopril
makes me cough".  Read as a medication list, each of these would put the drug the patient reacts
to among the drugs they take, the worst error a note can make.  Here a substance is an
adverse-reaction allergen when, in the patient's sentence:

* a causal verb ("gives", "made", "broke out", "got", ...) follows it within a few words and a
  reaction of the reaction lexicon (``allergies.json``) follows that verb, the reaction not negated
  ("penicillin never gave me hives" is no allergy); or
* the patient cannot take or tolerate it ("can not take", "could not tolerate") and a reaction is
  named in the same sentence or the next one ("... She got a rash").

A side effect the patient keeps taking the drug through ("it gives me diarrhea but I keep taking
it") is no allergy: such a sentence yields nothing here.  The rules are phrasing-general (verbs and
negation), the reactions come from the reaction lexicon; ``tests/unit/ml_notes/test_adverse.py``
holds the cases, written for this module, not taken from an evaluation visit.
"""

from __future__ import annotations

import re

from .context import assess
from .text import Sentence

#: verbs that tie a substance to a reaction: "X gives me hives", "X made me throw up"
CAUSAL_VERBS = frozenset(
    "gives gave give giving makes made make making causes caused cause causing got get gets "
    "broke break breaks breaking swelled swell swells".split()
)
#: "can not take X", "could not tolerate X", "unable to take X"
_CANNOT = re.compile(r"\b(can not|could not|unable to) (take|tolerate|have|use)\b( the| any)?$")
#: a tolerated side effect: the patient goes on taking it
_TOLERATED = re.compile(r"\b(keep|keeps|still|continue|continues) (taking|take|takes|on|using|use)\b")
#: words that open what a drug is taken for, before any causal verb: "albuterol when I get short of breath"
_WHEN_TAKEN = frozenset("when whenever if for as".split())
_TOOK = frozenset("took take taking taken had tried used".split())
#: words between the substance and its causal verb ("penicillin always gives me hives")
VERB_WINDOW = 4


def adverse_allergens(sent: Sentence, subs: list[tuple[int, int, str]], follow: Sentence | None,
                      reactions: list[tuple[int, str]],
                      follow_reactions: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """The substances of ``subs`` (token spans of ``sent``) that the sentence reports a reaction to.

    ``reactions``: (token index, reaction) of the reaction lexicon in ``sent``; ``follow_reactions``
    the same for the next sentence of the turn, ``follow``.
    """
    if _TOLERATED.search(sent.norm) or (follow is not None and _TOLERATED.search(follow.norm)):
        return []
    heard = affirmed_reactions(sent, reactions)
    heard_next = affirmed_reactions(follow, follow_reactions) if follow is not None else []
    out = []
    for s, e, name in subs:
        if _caused(sent.toks, e, heard) or _cannot_take(sent, s, e, heard, heard_next):
            out.append((s, e, name))
    return out


def cannot_take_before(sent: Sentence, start: int) -> bool:
    """Whether "can not take" (or "could not tolerate", ...) stands just before token ``start``:
    the negation there is the reaction's report, not a denial of the substance."""
    return bool(_CANNOT.search(" ".join(sent.toks[max(0, start - 5):start])))


def affirmed_reactions(sent: Sentence, reactions: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The reactions of ``reactions`` (token index, name) that ``sent`` does not negate."""
    return [r for r in reactions if not assess(sent.toks, (r[0], r[0] + 1)).negated]


def _caused(toks: list[str], end: int, reactions: list[tuple[int, str]]) -> bool:
    """A causal verb within ``VERB_WINDOW`` words after the substance, then a reaction after it."""
    for k in range(end, min(len(toks), end + VERB_WINDOW + 1)):
        if toks[k] in (".", ";", "?", "!"):
            return False
        if toks[k] in CAUSAL_VERBS:
            if _WHEN_TAKEN.intersection(toks[end:k]) and not _TOOK.intersection(toks[end:k]):
                return False  # "ibuprofen when I get back pain": what it is taken for ("when I took it, I got hives" is not)
            # the verb may be the reaction itself: "bee stings, I swell up"
            return any(pos >= k for pos, _ in reactions)
    return False


def _cannot_take(sent: Sentence, start: int, end: int, reactions: list[tuple[int, str]],
                 follow_reactions: list[tuple[int, str]]) -> bool:
    """"can not take X" with a reaction after X in the sentence, or in the next one."""
    if not cannot_take_before(sent, start):
        return False
    return any(pos >= end for pos, _ in reactions) or bool(follow_reactions)
