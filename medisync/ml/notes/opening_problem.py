"""A chief complaint the patient opens with that names no symptom (D217).

The symptom lexicon composes most chief complaints ("sore throat and fever").  Three common openings name none:

* a known condition that is worse: "My asthma has been acting up" -> "asthma flare", "my eczema is getting worse"
  -> "worsening eczema";
* an injury: "I sprained my wrist", "I rolled my right ankle" -> "wrist injury", "right ankle injury";
* a refill: "I need a refill on my blood pressure medicine" -> "medication refill";
* a lesion shown on the body (D232): "He's got these warts on the bottom of his right foot" -> "warts on the bottom
  of the right foot", a condition named with the place it sits, in the patient side's first turn only
  (``opening_lesion``).

Each is read from the patient side's first two turns, in the patient's words, never when negated or asked; a
flare also from the clinician's opening question when the patient side's reply confirms it.
"""

from __future__ import annotations

import re

from .lexicon import condition_lexicon, symptom_lexicon
from .patient_reason import place_end
from .text import Sentence, Turn

#: after a condition's name: the patient says it is flaring, or worse
_FLARE = re.compile(r"^(?:has been|have been|is|are|keeps|kept|started|seems to be)? ?(?:really |kind of |a bit |a little )?"
                    r"(?P<how>acting up|flaring up|flaring|flared up|flared|playing up|worse|getting worse|worsening|"
                    r"out of control)\b")
_INJURED = re.compile(r"\b(?:i|he|she) (?:think i |just |kind of )?(?:twisted|rolled|sprained|injured|jammed|broke|"
                      r"strained|banged|bumped) (?:my|his|her) (?:(?P<side>left|right) )?")
_REFILL = re.compile(r"\b(?:refill|refills|renewal|more) (?:on|of|for) (?:my|his|her) ")
_PATIENT_SIDE = ("patient", "other", "unknown")
_OWNERS = frozenset("my his her your the".split())
#: the patient side's reply that confirms the clinician's opening question ("So the asthma's been acting up?" "It has.")
_YES = re.compile(r"^(?:yes|yeah|yep|it has|it is|he has|she has|they have|i have|mm hmm|uh huh|right|exactly)\b")
_NEGATED = re.compile(r"\b(?:not|no|never|n't|didn't|don't|haven't|hasn't)\b")


def _flare(sent: Sentence) -> str | None:
    for m in condition_lexicon()[1].find(sent.content):
        start, end = sent.raw_span(m.start, m.end)
        said = re.match(_FLARE, " ".join(sent.toks[end:]))
        if said and start > 0 and sent.toks[start - 1] in _OWNERS:
            name = " ".join(sent.toks[start:end])
            return f"{name} flare" if "flar" in said.group("how") or "up" in said.group("how") else f"worsening {name}"
    return None


def _injury(sent: Sentence) -> str | None:
    m = _INJURED.search(sent.norm)
    if m is None:
        return None
    after = sent.norm[m.end():].split()
    parts = symptom_lexicon().body.find(after)
    if not parts or parts[0].start != 0:
        return None
    side = f"{m.group('side')} " if m.group("side") else ""
    return f"{side}{' '.join(after[:parts[0].end])} injury"


def _lesion(sent: Sentence) -> str | None:
    for m in condition_lexicon()[1].find(sent.content):
        start, end = sent.raw_span(m.start, m.end)
        stop = place_end(sent.toks, end)
        if stop > end + 1:
            return " ".join("the" if w in _OWNERS else w for w in sent.toks[start:stop])
    return None


def _refill(sent: Sentence) -> str | None:
    return "medication refill" if _REFILL.search(sent.norm) else None


def is_flare(complaint: str) -> bool:
    """The chief complaint is a condition said to be flaring or worse, which the symptoms told with it follow."""
    return complaint.endswith(" flare") or complaint.startswith("worsening ")


def _confirmed(turns: list[Turn]) -> list[Sentence]:
    """The clinician's opening questions that the patient side's next turn says yes to."""
    return [t.sentences[-1] for t, reply in zip(turns[:4], turns[1:5])
            if t.role == "clinician" and t.sentences and t.sentences[-1].is_question
            and reply.role in _PATIENT_SIDE and reply.sentences and _YES.match(reply.sentences[0].norm)]


def opening_problem(turns: list[Turn]) -> str | None:
    """The condition flare, injury or refill the patient side opens the visit with (or confirms when the clinician
    opens with it as a question), else None."""
    for sent in _confirmed(turns):
        found = None if _NEGATED.search(sent.norm) else _flare(sent)
        if found:
            return found
    patient_turns = [t for t in turns if t.role in _PATIENT_SIDE][:2]
    for sent in (s for t in patient_turns for s in t.sentences):
        if sent.is_question or _NEGATED.search(sent.norm):
            continue
        for read in (_flare, _injury, _refill):
            found = read(sent)
            if found:
                return found
    return None


def opening_lesion(turns: list[Turn]) -> str | None:
    """A condition the patient side's first turn names with the place it sits on the body, said, not asked or
    denied: "He's got these warts on the bottom of his right foot" -> "warts on the bottom of the right foot"."""
    first = next((t for t in turns if t.role in _PATIENT_SIDE), None)
    for sent in first.sentences if first else []:
        if not (sent.is_question or _NEGATED.search(sent.norm)) and (found := _lesion(sent)):
            return found
    return None
