"""A visit about a child, told by a parent (D192).

ConText's experiencer rule takes "my daughter has had a cough" for a relative's complaint, which is right when
an adult patient mentions a sick child ("I've had a sore throat. My son has a cold too.") and wrong when the
parent brings the child: then the daughter is the patient.  A visit is taken to be about the parent's child when
both hold:

* the clinician asks about the patient in the third person ("Is she eating?", "Has he had a fever?"), and
* the first complaint the patient side states is said of "my son" / "my daughter" (the experiencer trigger of
  its first symptom), not of the speaker.

Then a symptom said of the son or daughter is the patient's.  Nothing else changes: a parent's own complaint,
another relative's, and anything hypothetical or historical keep their readings.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Protocol

from .context import Assertion
from .text import Sentence, Turn

#: the experiencer triggers that name a child of the speaker
CHILD_WORDS = frozenset({"son", "daughter"})
_THIRD_PERSON_Q = re.compile(r"\b(?:is|does|did|has|was|can|will|had|have) (?:he|she)\b|\bhow old is (?:he|she)\b")
_PATIENT_SIDE = ("patient", "other", "unknown")
#: the people a speaker names besides themselves ("my wife", "a friend of mine", D185, D225)
PERSONS = (r"wife|husband|partner|mom|mother|dad|father|son|daughter|brother|sister|grandma|grandmother|grandpa|"
           r"grandfather|aunt|uncle|cousin|niece|nephew|kids|children|friend|buddy|neighbou?r|coworker|co-worker|"
           r"colleague|roommate|boyfriend|girlfriend|boss")
#: a sentence that tells of the speaker's own body: "I've got bruises.", "I had the same thing." (D236)
_SELF_TOLD = re.compile(r"^(?:(?:and|but|so|well|oh|yeah|also) )*i (?:also |still |just |even )?"
                        r"(?:have|had|get|got|feel|felt|am|was)\b(?! (?:not |never )?(?:noticed|seen|heard|been noticing|been watching|"
                        r"told|asked|called|worried|concerned|wondering|thinking|trying|not sure|checked|looked)\b)")
_OF_SOMEONE = re.compile(r"\b(?:he|she|him|her|his|hers|they|them|their|we|us|our)\b|\bmy (?:" + PERSONS + r")\b")


#: an adult the speaker names besides themselves: "my friend Marjorie", "a coworker of mine" (a child is often the
#: patient a parent speaks for)
_ADULT_NAMED = re.compile(r"\b(?:my|a|our) (?:" + "|".join(p for p in PERSONS.split("|")
                                                      if p not in ("son", "daughter", "kids", "children")) + r")\b")
#: a sentence that goes on about that person alone: "She says it dries her mouth out terribly."
_THEY_ALONE = (re.compile(r"^(?:(?:and|but|so|well|oh) )*she\b(?!.*\b(?:i|me|my|he|him|his)\b)"),
               re.compile(r"^(?:(?:and|but|so|well|oh) )*he\b(?!.*\b(?:i|me|my|she|her|hers)\b)"))


def of_someone_named(sent: Sentence, before: list[Sentence]) -> bool:
    """The patient goes on, in the same turn, about an adult they just named: "My friend Marjorie takes a pill for
    this. Oxybutynin, I think. She says it dries her mouth out terribly." is Marjorie's dry mouth (D327).
    ``before``: the turn's sentences before this one."""
    if sent.role != "patient" or not any(_ADULT_NAMED.search(b.norm) for b in before[-2:]):
        return False
    return any(r.search(sent.norm) for r in _THEY_ALONE)


def speaks_of_self(sent: Sentence) -> bool:
    """A relative (role other) telling of their own body, naming no one else: "I've got bruises." is the husband's,
    not the patient's; "I think she has a fever" and "I have a son with asthma" are not of the speaker (D236)."""
    # only the first clause names whom: "I have palpitations, my doctor put me on metoprolol for them." (D341)
    return sent.role == "other" and bool(_SELF_TOLD.search(sent.norm)) and not _OF_SOMEONE.search(sent.norm.split(" , ")[0])


class _Mention(Protocol):
    sent: Sentence
    assertion: Assertion


def said_of_child(mention: _Mention) -> bool:
    """The mention's experiencer is the speaker's son or daughter (and it is not hypothetical or past)."""
    a = mention.assertion
    return (a.family and not a.hypothetical and not a.historical and a.family_trigger is not None
            and mention.sent.toks[a.family_trigger] in CHILD_WORDS)


def about_a_child(turns: list[Turn], find: Callable[[Sentence], Iterable[_Mention]]) -> bool:
    """Whether the visit is about the child of the patient-side speaker; ``find``: the symptom mentions of a
    sentence, with their assertions."""
    if not any(s.is_question and _THIRD_PERSON_Q.search(s.norm)
               for t in turns if t.role == "clinician" for s in t.sentences):
        return False
    for turn in turns:
        if turn.role not in _PATIENT_SIDE:
            continue
        for sent in turn.sentences:
            first = next(iter(find(sent)), None)
            if first is not None:
                return said_of_child(first)
    return False


#: the tag of a patient-side sentence in a visit about the speaker's child
CHILD_TAG = "about_child"


def mark_visit_about_a_child(turns: list[Turn], find: Callable[[Sentence], Iterable[_Mention]]) -> None:
    """Tag the patient side's sentences of a visit about a child, for the symptom reader to take the son's or
    daughter's complaints as the patient's."""
    if about_a_child(turns, find):
        for turn in turns:
            if turn.role in _PATIENT_SIDE:
                for sent in turn.sentences:
                    sent.tags.add(CHILD_TAG)
