"""The chief complaint in the patient's own words: the answer to the visit's opening question.

A clinic's chief complaint is, by convention, the reason for the visit as the patient gives it ("itchy rash
on the inside of both elbows"), not a list of coded symptom names ("itching and rash").  When the clinician
states no reason (``visit_reason.py``), the patient side's answer to the opening question ("What brings you
in?", "What's going on?", "What can I do for you?") gives it: the first symptom the answer names, with

* the descriptors right before it: the sensory and intensity words of the McGill Pain Questionnaire
  (Melzack 1975) and the plain colour and course words a clinician keeps (``symptoms.json`` "descriptors");
* an adjoining symptom ("itchy rash": both words are symptoms);
* only where the patient used the symptom's own name ("rash", "pain", "sore throat"), not a lay phrase for
  it ("stuffed up" stays nasal congestion);
* the place right after it ("on the inside of both elbows", "behind her left ear"), in the third person
  ("her" and "my" become "the").

The phrase is kept only when it reads as a clinician's noun phrase: every word a descriptor, a place word,
a word of a symptom concept's name or a canonical body part.  A symptom told as a verb ("I can't sleep", "it
hurts") or in lay words ("crampy pains low in my belly") leaves the composed, normalised name to
``compose.chief_complaint`` ("abdominal cramps").  Nothing comes from a negated, hypothetical
or family statement, a phrase with a word heard with a low ASR probability, or a sentence holding a ``needs_review`` item.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import descriptor_words, load_json
from .symptoms import NOT_THE_REASON, Mention, find_mentions
from .text import MIN_WORD_PROBABILITY, Sentence, Turn
from .visit_reason import patient_stated

#: the clinician's open question about the visit's reason
_OPEN_QUESTION = re.compile(
    r"\bwhat (?:brings|brought) (?:you|her|him|them)\b"
    r"|\bwhat (?:is|has been) (?:going on|bothering (?:you|her|him)|the (?:problem|matter|trouble)|wrong)\b"
    r"|\bwhat can (?:i|we) (?:do|help)\b|\bhow can (?:i|we) help\b|\bwhat seems to be\b"
    r"|\bwhat (?:are|is) (?:you|she|he) (?:in|here) for\b")
#: where the place after a symptom may start
_PLACE_START = frozenset("on in around behind under over across along at near inside between down".split())
#: words inside a place phrase besides body parts: "on the inside of both elbows", "on her left side"
_PLACE_WORDS = frozenset("the my her his your their both left right side sides inside outside back front top "
                         "bottom middle of upper lower part area whole".split())
_POSSESSIVE = frozenset("my her his your their".split())
#: a phrase that opens on one of these tells the symptom as a verb, not a noun phrase
_VERBAL = frozenset("can cannot not no been have has had keep keeps get gets got feel feels feeling am is are was "
                    "were hurts hurt hurting aches ached i it".split())
_MAX_WORDS = 12
#: a vague noun after a symptom, before its place: "this rash thing on his arm"
_FILLER_NOUNS = frozenset("thing things stuff".split())


@lru_cache(maxsize=1)
def _vocab() -> tuple[frozenset[str], frozenset[str]]:
    """(descriptor words, body-part words) from symptoms.json."""
    data = load_json("symptoms.json")
    body = frozenset(w for b in data["body_parts"] for w in b["spoken"].split())
    return descriptor_words(), body


@lru_cache(maxsize=1)
def _clinical_words() -> frozenset[str]:
    """Words a clinician's chief complaint uses: descriptors, place words, the words of the symptom
    lexicon's concept names and the canonical body-part names ("abdomen", not "belly" or "tummy")."""
    data = load_json("symptoms.json")
    names = {w for c in data["symptoms"] for w in c["name"].split()}
    body = {w for b in data["body_parts"] for form in (b["prefix"], b["suffix"]) for w in form.split()}
    return frozenset(names | body | set(data["descriptors"]["words"]) | _PLACE_START | _PLACE_WORDS)


def _reads_clinical(words: list[str]) -> bool:
    """Every word is one a clinician's chief complaint would use (a plural of one counts)."""
    known = _clinical_words()
    return all(w in known or w.rstrip("s") in known or w in _POSSESSIVE for w in words)


def _is_body(word: str, body: frozenset[str]) -> bool:
    return word in body or (word.endswith("s") and word[:-1] in body)


def place_end(toks: list[str], at: int) -> int:
    """The end of a place phrase that starts at ``at`` ("on the inside of both elbows"), else ``at``."""
    _descriptors, body = _vocab()
    if at >= len(toks) or toks[at] not in _PLACE_START:
        return at
    end = at
    for k in range(at + 1, min(len(toks), at + 8)):
        if _is_body(toks[k], body) or toks[k] in ("side", "sides"):
            end = k + 1
        elif toks[k] not in _PLACE_WORDS:
            break
    return end


def _phrase(sent: Sentence, mentions: list[Mention]) -> str | None:
    """The first present symptom of the sentence with its descriptors, adjoining symptom and place."""
    present = sorted((m for m in mentions if m.assertion.is_patient_finding and not m.assertion.negated),
                     key=lambda m: m.start)
    if not present:
        return None
    descriptors, _body = _vocab()
    toks = sent.toks
    start, end = present[0].start, present[0].end
    held = [present[0]]
    for m in present[1:]:
        if m.start == end:
            end = m.end
            held.append(m)
    while start > 0 and toks[start - 1] in descriptors and not sent.heard_below(start - 1, start, MIN_WORD_PROBABILITY):
        start -= 1
    filler = end < len(toks) and toks[end] in _FILLER_NOUNS  # "this rash thing on his arm" (D243)
    stop = place_end(toks, end + filler)
    if sent.heard_below(start, stop, MIN_WORD_PROBABILITY):
        return None
    if stop - start == 1 or (start == held[0].start and held[0].location is not None):
        # one bare word, or a place the composed name already holds without a descriptor to add:
        # "abdominal pain" says more than "pains", "right hand pain" as much as "pain on the back of ..."
        return None
    words = toks[start:end] + toks[end + filler:stop]
    if not words or words[0] in _VERBAL or len(words) > _MAX_WORDS or not _reads_clinical(words) \
            or not any(_names_concept(toks[m.start:m.end], m) for m in held):
        return None
    return " ".join("the" if w in _POSSESSIVE else w for w in words)


def _names_concept(said: list[str], mention: Mention) -> bool:
    """The patient used the symptom's own name, not a lay phrase for it ("rash", "pain", "sore throat";
    not "stuffed up" for nasal congestion): a lay phrase leaves the lexicon's name to the composer."""
    head = mention.concept.name.split()[-1]
    return any(w == head or w.rstrip("s") == head for w in said)


def _answer_to_opening(turns: list[Turn]) -> Turn | None:
    """The patient side's turn right after the clinician's open question, in the visit's first three turns
    of the clinician."""
    clinician_turns = 0
    for i, turn in enumerate(turns[:-1]):
        if turn.role != "clinician":
            continue
        clinician_turns += 1
        if clinician_turns > 3:
            return None
        if any(s.is_question and _OPEN_QUESTION.search(s.norm) for s in turn.sentences):
            answer = turns[i + 1]
            return answer if answer.role in ("patient", "other", "unknown") else None
    return None


def opening_statement(turns: list[Turn], excluded: set[int]) -> str | None:
    """The reason the patient side opens with ("I'm here for a follow up on my blood pressure": "follow-up of
    blood pressure"), in the third person; None when the answer tells no such reason (D183)."""
    answer = _answer_to_opening(turns)
    for sent in answer.sentences[:2] if answer is not None else []:
        if not sent.is_question and sent.index not in excluded and (stated := patient_stated(sent)):
            return " ".join("the" if w in _POSSESSIVE else w for w in stated.split())
    return None


def set_aside(side: list[Turn]) -> set[int]:
    """The sentences of the patient side's opening turns (``side``) that set their complaint aside as not the
    reason for the visit (D259)."""
    return {s.index for t in side for s in t.sentences if NOT_THE_REASON.search(s.norm)}


def patient_reason(turns: list[Turn], excluded: set[int]) -> str | None:
    """The reason for the visit in the patient side's answer to the opening question, or ``None``."""
    answer = _answer_to_opening(turns)
    if answer is None:
        return None
    for sent in answer.sentences[:2]:
        if sent.is_question or sent.index in excluded or NOT_THE_REASON.search(sent.norm):
            continue
        mentions = find_mentions(sent)
        if mentions:
            return _phrase(sent, mentions)
    return None
