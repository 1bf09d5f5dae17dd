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
  named in the same sentence or the next one ("... She got a rash");
* an allergy-type reaction comes first and a linking word ties it to the substance ("I got hives
  from penicillin", "I broke out in a rash after taking amoxicillin", "my throat swelled up the last
  time I had penicillin"): only reactions that are not also common reasons to take a drug (cough,
  wheezing, headache, dizziness are left out), nothing between them that opens a new clause or a
  treatment ("I got hives so they put me on prednisone", "still wheezing with my inhaler"); or
* the sentence names one substance and the next one, opening with "it" / "that one" / "they",
  says it caused a reaction ("Ciprofloxacin. That one gave me a rash.").

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
    "broke break breaks breaking swelled swell swells upsets upset".split()
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
#: how much a clause of taking it widens that window: "penicillin, when I took it as a kid, I got hives"
_TOOK_WIDENS = 4
_IT = frozenset("it them that those".split())

#: words that tie a reaction named first to the substance after it: "hives from penicillin"
_LINKERS = frozenset("from with after on when while since time times".split())
#: what may stand between the linking word and the substance: "after taking the", "time I had"
_LINK_FILL = frozenset("the my that this those some a an i took had was were taking take started starting "
                       "using used being on me it".split())
#: what breaks the tie between a reaction and a later linking word: a new clause, a treatment, a
#: reaction that goes on despite the drug ("still wheezing with my inhaler")
_LINK_BREAK = frozenset("and so but then because treated treat gave give given put prescribed used use took take "
                        "needed for started tried even still despite without unless until".split())
#: reactions that are also what drugs are taken for: never read from a reaction named first
_INDICATIONS = frozenset(("shortness of breath", "headache", "dizziness", "cough"))
#: the most words between a reaction named first and its linking word ("a rash all over my arms after")
_REACTION_GAP = 4
#: a sentence opening that refers back to the substance of the sentence before: "That one gave me a rash"
_BACK_REFERENCE = re.compile(r"^(it|that|this|they|those)( one| stuff| medicine| pill| drug)?\b")


#: a drug said to relieve a symptom ("it gets rid of the pain", "makes my back feel better",
#: "the swelling went down with furosemide"): no reaction
_RELIEF = re.compile(r"\b(rid|relief|relieves?|better|easier|away|less|helps?|helped|eases?|eased|works|worked"
                     r"|improved?|improves|clears?|cleared|controls?|controlled|resolved?|settled"
                     r"|(went|goes|go|gone|came|comes|come|coming|going) down)\b"
                     r"|(?<!\bi )(?<!\bwe )(?<!\bhe )(?<!\bshe )(?<!\bthey )(?<!\byou )(?<!\bdoctor )(?<!\bto )"
                     r"\b(stops?|stopped)\b")


def relieves(sent: Sentence) -> bool:
    """The sentence says a drug relieves something ("it stops the pain"; "so I stopped it" is the patient
    stopping the drug, no relief)."""
    return bool(_RELIEF.search(sent.norm))


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
    first = [] if sent.is_question or relieves(sent) else [r for r in heard if r[1] not in _INDICATIONS
                                            and not assess(sent.toks, (r[0], r[0] + 1)).hypothetical]
    out = []
    for s, e, name in subs:
        if ((_caused(sent.toks, e, heard) and not _verb_of_nearer(sent.toks, e, subs))
                or _cannot_take(sent, s, e, heard, heard_next) or _reaction_before(sent.toks, s, first)):
            out.append((s, e, name))
    if not out and len(subs) == 1 and follow is not None and _caused_back(follow, heard_next):
        out = list(subs)
    return out


#: a causal verb of one subject: "Lisinopril, and penicillin gives me hives" names one allergen (D184)
_SINGULAR_CAUSAL = frozenset("gives makes causes gets breaks swells upsets".split())


def _verb_of_nearer(toks: list[str], end: int, subs: list[tuple[int, int, str]]) -> bool:
    """The first causal verb after token ``end`` agrees with one subject, and another substance stands between:
    the verb is that substance's, not this one's ("lisinopril, and penicillin gives me hives")."""
    k = next((k for k in range(end, min(len(toks), end + VERB_WINDOW + 1)) if toks[k] in CAUSAL_VERBS), None)
    return k is not None and toks[k] in _SINGULAR_CAUSAL and any(end <= s2 < k for s2, _e, _n in subs)


def cannot_take_before(sent: Sentence, start: int) -> bool:
    """Whether "can not take" (or "could not tolerate", ...) stands just before token ``start``:
    the negation there is the reaction's report, not a denial of the substance."""
    return bool(_CANNOT.search(" ".join(sent.toks[max(0, start - 5):start])))


def affirmed_reactions(sent: Sentence, reactions: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The reactions of ``reactions`` (token index, name) that ``sent`` does not negate."""
    return [r for r in reactions if not assess(sent.toks, (r[0], r[0] + 1)).negated]


def _caused(toks: list[str], end: int, reactions: list[tuple[int, str]]) -> bool:
    """A causal verb within ``VERB_WINDOW`` words after the substance, then a reaction after it; a
    clause of taking it between them widens the window ("penicillin, when I took it, I got hives")."""
    took_it = _TOOK.intersection(toks[end:end + VERB_WINDOW + 1]) and _IT.intersection(toks[end:end + VERB_WINDOW + 2])
    for k in range(end, min(len(toks), end + VERB_WINDOW + 1 + (_TOOK_WIDENS if took_it else 0))):
        if toks[k] in (".", ";", "?", "!"):
            return False
        if toks[k] in CAUSAL_VERBS:
            if _WHEN_TAKEN.intersection(toks[end:k]) and not _TOOK.intersection(toks[end:k]):
                return False  # "ibuprofen when I get back pain": what it is taken for ("when I took it, I got hives" is not)
            # the verb may be the reaction itself: "bee stings, I swell up"
            return any(pos >= k for pos, _ in reactions)
    return False


def _reaction_before(toks: list[str], start: int, reactions: list[tuple[int, str]]) -> bool:
    """A reaction named before the substance and tied to it by a linking word: "hives from penicillin",
    "a rash after taking amoxicillin", "threw up every time I took the tramadol"."""
    k = start - 1
    while k >= 0 and toks[k] in _LINK_FILL:
        k -= 1
    if k < 0 or toks[k] not in _LINKERS:
        return False
    for pos, _name in reactions:
        between = toks[pos + 1:k]
        if pos < k and len(between) <= _REACTION_GAP + 2 and not _LINK_BREAK.intersection(between) \
                and not any(t in (".", ";", "?", "!", ",") for t in between):
            return True
    return False


def _caused_back(follow: Sentence, reactions: list[tuple[int, str]]) -> bool:
    """The next sentence opens with "it" / "that one" / "they" and says it caused a reaction."""
    m = _BACK_REFERENCE.match(follow.norm)
    return m is not None and _caused(follow.toks, len(m.group(0).split()), reactions)


def _cannot_take(sent: Sentence, start: int, end: int, reactions: list[tuple[int, str]],
                 follow_reactions: list[tuple[int, str]]) -> bool:
    """"can not take X" with a reaction after X in the sentence, or in the next one."""
    if not cannot_take_before(sent, start):
        return False
    return any(pos >= end for pos, _ in reactions) or bool(follow_reactions)
