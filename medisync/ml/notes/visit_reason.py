"""The reason for the visit, as the visit states it: the chief complaint.

Clinicians say why the patient came, to the patient or to the scribe: "who presents for her annual
exam", "you're here for some right ankle pain", "I see you've been having some knee pain", "your
dermatologist referred you for a melanoma".  The words after such a cue are the chief complaint, in
the clinician's own words, with its side ("right knee pain") and its kind of visit ("follow-up of
...").  The cues are general English phrasings of a visit's reason; they were chosen on ACI-Bench
``train`` and are scored on ``valid`` (``bench/ml_aci.py``, docs/ml-notes.md).

Nothing is taken from a question, a negated or hedged statement, a sentence heard with a low ASR
word probability, or a sentence that holds a ``needs_review`` item.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import MIN_WORD_PROBABILITY, Sentence

#: a statement of why the patient is here; the reason follows the match
_CUE = re.compile(
    r"\b(?:"
    r"(?:presents?|presenting|presented|is here|are here|here today|here|comes in|coming in|came in|"
    r"come in|is seen|being seen|seeing (?:him|her|you)|scheduled|called|sent in|referred(?: to me| here| in)?)"
    r"(?: today| here| in| to see me| to me| to clinic)?\s+(?:for|with|because of|due to)"
    r"|here (?:today )?to (?:talk about|discuss|follow up on|check on|go over|review|get checked for)"
    r"|(?:you|she|he) (?:have|has) been (?:having|experiencing|dealing with)"
    r"|(?:you|she|he) (?:are|is) (?:having|experiencing|dealing with)"
    r"|(?:the )?chief complaint (?:today )?(?:is|of)"  # dictated: "chief complaint is left arm pain" (D112)
    r")\s+"
)
#: the cue above must be a report of the visit, not a hedge, a negation or a question about it
_BLOCKED_BEFORE = re.compile(r"\b(not|no|never|if|whether|think|maybe|might|could|would|should|hope|when)\b")
_REPORTED = re.compile(r"\b(see|saw|hear|heard|understand|says|said|notes?|told|know|looks like)\b")
#: where the reason stops
_STOP_WORDS = frozenset(
    "so who which that today since because but when as can could tell how what if um uh okay now and or "
    "for yes no like just is was are were has have had will would do does did".split())
_LEAD = ("a bit of a", "a bit of", "bit of a", "bit of", "complaints of", "complaint of", "concerns about", "concern about", "concerns of", "problems with",
         "issues with", "a little bit of", "a lot of", "lots of", "a little", "kind of", "sort of", "some", "your", "his", "her",
         "their", "an", "a", "the", "this", "these", "that", "my")
_PRONOUNS = frozenset("you i me we us it they them he she him myself yourself".split())
_FOLLOW_UP = re.compile(r"^(?:follow up|follow-up|followup|recheck|check up|checkup)\b(?:\s+(?:of|for|on|with))?\s*")
_MAX_WORDS = 8


def _trim(words: list[str]) -> list[str]:
    words = _strip_lead(words)
    cut = next((i for i, w in enumerate(words) if not (w.isalnum() or "-" in w) or w in _STOP_WORDS), len(words))
    return _strip_lead(words[:cut])


def _strip_lead(words: list[str]) -> list[str]:
    changed = True
    while changed and words:
        changed = False
        for lead in _LEAD:
            n = len(lead.split())
            if words[:n] == lead.split():
                words, changed = words[n:], True
                break
    return words


def _reason_after(sentence: Sentence, end: int) -> str | None:
    said = " ".join(_strip_lead(sentence.norm[end:].split()))
    follow = _FOLLOW_UP.match(said)
    words = _trim(said[follow.end():].split() if follow else said.split())
    if (words and len(words) > _MAX_WORDS) or _PRONOUNS.intersection(words):
        return None
    phrase = " ".join(words)
    if follow:
        joint = "" if not words else (" " if words[0] in ("from", "after") else " of ")
        return f"follow-up{joint}{phrase}"
    return phrase if any(len(w) > 2 for w in words) and names_something_clinical(words) else None


#: what a visit may be for without naming a symptom or a condition
_VISIT_WORDS = frozenset(
    "exam examination physical checkup check-up visit results result refill refills medication medications "
    "evaluation consultation consult screening vaccine vaccination shot injection test tests labs lab "
    "wellness pre-op preop clearance surgery procedure biopsy ultrasound x-ray mri scan study follow followup "
    "follow-up prescription hospital emergency injury fall trouble difficulty reaction sting bite".split())


@lru_cache(maxsize=1)
def _hpo_words() -> frozenset[str]:
    """One-word names and exact synonyms of the Human Phenotype Ontology ("hypogonadism", "nocturia")."""
    from .hpo import hpo_terms

    return frozenset(f for t in hpo_terms() for f in (t.name, *t.synonyms) if f.isalpha())


def names_something_clinical(words: list[str]) -> bool:
    """The reason names a symptom, a condition, a body part or a kind of visit ("periods of" and "things"
    name nothing, and are no chief complaint)."""
    from .lexicon import condition_lexicon, icd10_title_lexicon, symptom_lexicon

    if _VISIT_WORDS.intersection(words) or _hpo_words().intersection(words):
        return True
    lex = symptom_lexicon()
    titles = icd10_title_lexicon()
    matchers = [lex.matcher, lex.body, condition_lexicon()[1]] + ([titles] if titles is not None else [])
    return any(m.find(words) for m in matchers)


def _stated(sentence: Sentence) -> str | None:
    for m in _CUE.finditer(sentence.norm):
        before = sentence.norm[:m.start()]
        clause = re.split(r"[,.;]", before)[-1]
        if _BLOCKED_BEFORE.search(clause) and not _REPORTED.search(clause):
            continue
        reason = _reason_after(sentence, m.end())
        if reason:
            return reason
    return None


#: the patient's own statement of the visit's kind, in answer to the opening question: "I'm here for a follow up on
#: my blood pressure", "I came in for my annual physical" (D183)
_FIRST_PERSON_CUE = re.compile(
    r"^(?:(?:well|so|yeah|yes|um|uh|oh|hi|okay)(?: ,)? )*(?:i|we) (?:am|are|have come|came|come|just came|am coming)"
    r"(?: in| here| back| by)?(?: today)? (?:for|to (?:follow up on|talk about|discuss|get|have|review|go over|check on))\s+")


def patient_stated(sentence: Sentence) -> str | None:
    """The visit's reason as the patient opens with it, when the reason names a symptom, a condition, a body part
    or a kind of visit; else None (a symptom told in other words is ``patient_reason``'s)."""
    m = _FIRST_PERSON_CUE.match(sentence.norm)
    return _reason_after(sentence, m.end()) if m and _usable(sentence, set()) else None


def _heard_clearly(sentence: Sentence, excluded: set[int]) -> bool:
    """No word heard below ``MIN_WORD_PROBABILITY``, and no ``needs_review`` item in the sentence."""
    low = sentence.min_word_prob is not None and sentence.min_word_prob < MIN_WORD_PROBABILITY
    return not (low or sentence.index in excluded)


def _usable(sentence: Sentence, excluded: set[int]) -> bool:
    return not sentence.is_question and _heard_clearly(sentence, excluded)


#: the reason as the clinician read it before the visit, often asked back to confirm it: "the note says you had a
#: reaction to a bee sting?", "I hear you've been having headaches?" (D225)
_INTAKE_CUE = re.compile(
    r"\b(?:(?:the|your) (?:note|chart|referral|intake|message|nurse|triage note) (?:says|said|mentions|mentioned|notes)"
    r"|(?:i|we) (?:hear|heard|understand|see))(?: that)? (?:you|she|he) (?:had|have had|have been having|have|has|got)\s+")
_INTAKE_WINDOW = 6  # sentences: the opening exchange only
#: a results visit: "the results from the home sleep study are back", "your MRI results came back" (D225)
_RESULTS_BACK = re.compile(
    r"\b(?:the |your )?results? (?:of|from|on) (?:the |your |his |her )?(?P<a>(?:[a-z0-9-]+ ){0,3}?[a-z0-9-]+) "
    r"(?:are|is|came|have come|has come) back\b"
    r"|\b(?:the |your |his |her )(?P<b>(?:[a-z0-9-]+ ){0,3}?[a-z0-9-]+) results? (?:are|is|came|have come|has come) back\b")


def _results_back(sentence: Sentence) -> str | None:
    m = _RESULTS_BACK.search(sentence.norm)
    test = (m.group("a") or m.group("b")).split() if m else []
    return f"{' '.join(test)} results" if test and names_something_clinical(test) and \
        not _PRONOUNS.intersection(test) else None


def _asked_back(sentence: Sentence, excluded: set[int]) -> str | None:
    """The intake's reason read back as a question in the opening exchange."""
    m = _INTAKE_CUE.search(sentence.norm)
    if m is None or sentence.index >= _INTAKE_WINDOW or not _heard_clearly(sentence, excluded):
        return None
    return _reason_after(sentence, m.end())


def visit_reason(sentences: list[Sentence], excluded: set[int] | None = None,
                 window: int = 40) -> str | None:
    """The first reason for the visit a clinician states in the opening ``window`` sentences, in their words
    (the note's cc line finds its provenance by these words, as every fact line does), or asks back from the
    intake at the start."""
    for s in sentences[:window]:
        if s.role in ("clinician", "unknown"):
            usable = _usable(s, excluded or set())
            reason = (_stated(s) or _results_back(s)) if usable else _asked_back(s, excluded or set())
            if reason:
                return reason
    return None
