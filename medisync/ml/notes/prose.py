"""From a spoken sentence to a line of clinical prose, or to nothing.

``to_prose`` drops fillers, stutters and discourse markers, rewrites the
sentence in the third person (``person.py``) and refuses anything that would
read as pasted conversation: questions, leftover first/second person that
cannot be attributed, greetings and sentences too short to carry a fact.
It never adds words of its own beyond pronouns and verb agreement.
"""

from __future__ import annotations

import re

from .numbers import replace_number_words
from .person import Pronouns, detokenize, rewrite

_FILLERS = re.compile(
    r"\b(?:um+|uh+|uh-huh|mm-hmm|mhm|hmm+|er|ah|you know|i mean|kind of like|sort of like)\b\s*,?\s*",
    re.IGNORECASE)
#: discourse markers at the start of a sentence; "yes" and "no" only when they stand alone
#: ("No, ..."), never when they negate what follows ("No numbness or tingling")
_LEAD = re.compile(
    r"^(?:(?:and|so|okay|ok|alright|all right|well|now|oh|right|great|good|perfect|sure|hey|hi|hello|"
    r"gotcha|got it|i see|wow|cool|awesome)\b\s*[,.!]?\s*|(?:yeah|yes|yep|no|nope)\s*[,.!]\s*)+",
    re.IGNORECASE)
#: "yeah"/"yep" lead nothing they could negate, so they go even without a comma ("Yeah the pain is better")
_AFFIRM = re.compile(r"^(?:yeah|yep|yes)\s+(?=\w)", re.IGNORECASE)
#: a word broken off and restarted ("f-felt", "exte-extension", "S-so", "sh- shows"): the restart stays;
#: a false start of one or two letters before "- " goes too ("c- you" -> "you")
_RESTART = re.compile(r"\b([A-Za-z]{1,8})-(\s?)([A-Za-z]+)")
#: a clinician's frame around what the chart or the patient reported ("I know that ...", "I heard ...");
#: a frame that hedges ("it looks like", "I think") stays: dropping it would turn an impression into a fact
#: and a clinician's echo of the patient ("you mentioned you have had some pain" -> "she has had some pain")
_FRAME = re.compile(r"^(?:i (?:know|heard|hear|see|understand|noticed|notice|saw|read)|you (?:mentioned|mention|said|"
                    r"say|told me|were saying|have said|have mentioned|had mentioned))(?: that)?,?\s+(?=\w)", re.IGNORECASE)
_STUTTER = re.compile(r"\b(\w+(?:'\w+)?)(?:\s*,?\s+\1\b)+", re.IGNORECASE)
#: a closing tag after a comma ("you stopped vomiting, okay"), never a word of the sentence ("on the right")
_TAG = re.compile(r",\s*(?:okay|ok|alright|all right|right|yeah|yes|you know|correct)\s*$", re.IGNORECASE)
_SPACED_PUNCT = re.compile(r"\s+([,.;:?!])")
#: tokenisation artefacts of transcribed text ("does n't", "x - ray", "wan na")
_ARTEFACTS = ((re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", re.IGNORECASE), r"\1"),
              (re.compile(r"(\w)\s+-\s+(\w)"), r"\1-\2"),
              (re.compile(r"\bwan na\b", re.IGNORECASE), "want to"),
              (re.compile(r"\bgon na\b", re.IGNORECASE), "going to"))
_FRAGMENT_START = frozenset("like with and or but because that which so then".split())
_TRAILING = re.compile(r"(?:[\s,;:-]+(?:or|and|but|so|like|kinda|kind of|sort of|-))+\W*$|[\s,;:-]+$", re.IGNORECASE)
_SOCIAL = re.compile(r"\b(thank you|thanks|bye|goodbye|nice to meet|how are you|have a good|no (?:further|other|more) questions|"
                     r"take care|excuse me|sorry|dax|dragon|next patient|date of birth|(?:i am|i'm|this is|my name is) (?:doctor|dr|nurse)"
                     # a staff member's introduction, the rooming routine (D323)
                     r"|(?:am|'m|is) (?:\w+ )?working with (?:the )?(?:doctor|dr)|i(?: wi|')ll be (?:your|her|his) (?:nurse|assistant)"
                     r"|let(?:'s| us) (?:get|grab|check|take|do) (?:your|her|his|the|a) (?:weight|vitals|height|temperature))\b",
                     re.IGNORECASE)
_UNATTRIBUTED = frozenset({"you", "your", "yours", "yourself", "i", "me", "my", "mine", "myself"})
_CLINICIAN_OWN = frozenset({"i", "my", "myself"})
#: a patient's "we" or "our" (the family, the household) cannot be attributed either
_PATIENT_PLURAL = frozenset({"we", "our", "us", "ours"})
MIN_WORDS = 4


def clean(text: str) -> str:
    """Spoken-language noise removed; wording otherwise untouched."""
    t = text.strip()
    for pattern, repl in _ARTEFACTS:
        t = pattern.sub(repl, t)
    t = _SPACED_PUNCT.sub(r"\1", t)
    t = _FILLERS.sub("", t)
    t = _STUTTER.sub(r"\1", t)
    t = _RESTART.sub(_restart, t)
    t = _AFFIRM.sub("", _LEAD.sub("", t))
    t = _TRAILING.sub("", _TAG.sub("", re.sub(r"^[,;:\s-]+", "", t.rstrip(".!"))))
    return re.sub(r"\s{2,}", " ", t)


def _restart(m: re.Match[str]) -> str:
    cut, spaced, word = m.group(1), m.group(2), m.group(3)
    if (len(cut) < len(word) and word.lower().startswith(cut.lower())) or (spaced and len(cut) <= 2):
        return word if cut[:1].islower() else word[:1].upper() + word[1:]
    return m.group(0)


_TENS = re.compile(r"\b(ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
                   r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)\b", re.IGNORECASE)


def spoken_numbers(toks: list[str]) -> list[str]:
    """Spoken numbers as digits ("one hundred twenty two over seventy six" -> "122 over 76"),
    only in sentences that say a number of ten or more, so "one of them" stays as said."""
    if not _TENS.search(" ".join(toks)):
        return toks
    lowered = [t.lower() if _TENS.search(t) or t.lower() in _SMALL else t for t in toks]
    return replace_number_words(lowered)


_SMALL = frozenset("zero one two three four five six seven eight nine and a point half".split())


def _attributable(toks: list[str], role: str) -> bool:
    lowered = {t.lower() for t in toks}
    leftover = lowered & _UNATTRIBUTED
    if role == "clinician":
        leftover -= _CLINICIAN_OWN
    else:
        leftover |= lowered & _PATIENT_PLURAL
    return not leftover


def to_prose(text: str, role: str, who: Pronouns, is_question: bool = False) -> str | None:
    """A third-person clinical sentence, or ``None`` when the sentence is not note material."""
    if is_question or text.rstrip().endswith("?") or _SOCIAL.search(text):
        return None
    cleaned = clean(text)
    if role == "clinician":
        cleaned = _FRAME.sub("", cleaned)
    toks = spoken_numbers(rewrite(cleaned, role, who))
    words = [t for t in toks if t[:1].isalnum()]
    if len(words) < MIN_WORDS or not _attributable(toks, role):
        return None
    if words[0].lower() in _FRAGMENT_START and len(words) < 8:
        return None
    sentence = detokenize(toks).rstrip(",;: ")
    sentence = sentence[:1].upper() + sentence[1:]
    sentence = re.sub(r"\bi\b", "I", sentence)
    return sentence if sentence.endswith((".", "!")) else sentence.rstrip(".!") + "."
