"""Reported speech: first and second person turned into third person.

A patient's "I have had this pain for two weeks" becomes "She has had this
pain for two weeks"; a clinician's "your lungs are clear" becomes "Her lungs
are clear". The clinician's own "I" and "we" stay, as in a note the clinician
signs ("We will order an echocardiogram"). Words that cannot be attributed
(a family member's "my", a patient's "you") are left for the caller to reject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import CONTRACTIONS as TEXT_CONTRACTIONS

_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d+(?:[.,/:]\d+)*%?|[^\sA-Za-z\d]")

#: contractions as the text normaliser expands them, written the way a note spells them
CONTRACTIONS = {**TEXT_CONTRACTIONS, "can't": "cannot", "cannot": "cannot", "ain't": "is not"}

#: the verb after a third-person singular subject
_AGREE = {"am": "is", "are": "is", "were": "was", "have": "has", "do": "does", "go": "goes"}
#: regular present-tense verbs that take -s; anything else is left as it is
_VERBS = frozenset("""
feel think take get need want know see notice use try eat drink sleep work walk run smoke exercise
hurt wake live like love come keep check miss forget remember wear stay play lift watch mean guess
hope say tell hear find start stop continue experience deal struggle drive cough sneeze vomit urinate
snore weigh travel follow avoid drop lose gain bring buy cook help hike swim bike ride ache bleed burn
itch tingle notice monitor record measure test inject apply understand agree prefer plan report
describe complain endorse deny believe wonder worry seem tend happen manage stand sit lie bend climb
kneel reach turn breathe swallow chew pee poop faint
""".split())
_ADVERBS = frozenset("also still just really never always usually sometimes only actually even already "
                     "definitely probably generally often occasionally mostly currently typically ever".split())
_MODALS = frozenset("can could will would should may might must did had cannot used".split())
_CLAUSE_START = frozenset("and but so that if when because since until or then as while where "
                          "although though after before once , ; :".split())


@dataclass(frozen=True)
class Pronouns:
    subject: str
    object: str
    possessive: str
    reflexive: str

    @classmethod
    def for_gender(cls, gender: str | None) -> "Pronouns":
        if gender == "female":
            return cls("she", "her", "her", "herself")
        if gender == "male":
            return cls("he", "him", "his", "himself")
        return cls("the patient", "the patient", "the patient's", "themself")

    def after_first_mention(self) -> "Pronouns":
        """Once a sentence has said "the patient", "their" and "them" read better than repeating it."""
        if self.possessive == "the patient's":
            return Pronouns(self.subject, "them", "their", self.reflexive)
        return self


#: past participles after which a contracted "'s" is "has": "it's been", "she's gotten" (D323)
_HAS_BEFORE = frozenset("been got gotten gone had done taken made seen started stopped given tried felt become".split())


def tokens(text: str) -> list[str]:
    out: list[str] = []
    raw = _TOKEN.findall(text.replace("\u2019", "'"))
    for i, tok in enumerate(raw):
        expanded = CONTRACTIONS.get(tok.lower(), tok).split(" ")
        if tok.lower().endswith("'s") and expanded[-1] == "is" and raw[i + 1:i + 2] and raw[i + 1].lower() in _HAS_BEFORE:
            expanded[-1] = "has"
        out.extend(expanded)
    return out


def _third_person(verb: str) -> str:
    low = verb.lower()
    if low in _AGREE:
        return _AGREE[low]
    if low not in _VERBS:
        return verb
    if low.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _agree_after(toks: list[str], i: int) -> None:
    """Conjugate the verb after the subject at ``toks[i]`` (skipping adverbs)."""
    j = i + 1
    while j < len(toks) and toks[j].lower() in _ADVERBS:
        j += 1
    if j < len(toks) and toks[j].lower() not in _MODALS:
        toks[j] = _third_person(toks[j])


def _is_subject(toks: list[str], i: int) -> bool:
    prev = toks[i - 1].lower() if i else ","
    nxt = toks[i + 1].lower() if i + 1 < len(toks) else ""
    if prev in _CLAUSE_START:
        return True
    return nxt in _AGREE or nxt in _MODALS or nxt in _VERBS or nxt in _ADVERBS


def rewrite(text: str, speaker_role: str, who: Pronouns) -> list[str]:
    """Tokens of ``text`` with the patient referred to in the third person."""
    toks = tokens(text)
    current = who
    for i, tok in enumerate(toks):
        replacement = _replacement(toks, i, tok.lower(), speaker_role, current)
        if replacement is None:
            continue
        toks[i] = replacement
        if replacement == who.subject:
            _agree_after(toks, i)
        current = who.after_first_mention()
    return toks


def _replacement(toks: list[str], i: int, low: str, speaker_role: str, who: Pronouns) -> str | None:
    if speaker_role == "patient":
        table = {"i": who.subject, "me": who.object, "my": who.possessive, "mine": who.possessive,
                 "myself": who.reflexive}
    elif speaker_role == "clinician":
        if low == "you":
            return who.subject if _is_subject(toks, i) else who.object
        table = {"your": who.possessive, "yours": who.possessive, "yourself": who.reflexive}
    else:
        return None
    return table.get(low)


def detokenize(toks: list[str]) -> str:
    text = " ".join(toks)
    text = re.sub(r"\s+([,.;:?!%)])", r"\1", text)
    text = re.sub(r"(\w)\s+([-/])\s+(\w)", r"\1\2\3", text)
    text = re.sub(r"([($])\s+", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()
