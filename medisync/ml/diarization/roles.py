"""Map anonymous speakers to conversational roles: clinician / patient / other.

Rules, not a model: transcripts are short and the cues are strong.

clinician evidence
    self-introduction ("I am Doctor Chen", "I'm the nurse"), assessment and
    plan language ("my assessment is", "I recommend", "we will increase",
    "I am ordering", "prescribe", "come back in"), reporting findings to the
    listener ("your blood pressure is", "your heart rate"), and questions
    (clinicians ask most of them).
patient evidence
    first-person symptom and history talk ("I have been", "my back", "it
    hurts"), addressing the clinician ("thank you, doctor"), and answers
    ("yes", "no").
other (family member, interpreter)
    talking *about* the patient in the third person ("my mother", "she has
    been", "I'm his daughter").
grammatical person (D83)
    a clinician talks *to* the listener ("you can take", "have you had", "I want
    you to"), a patient *about* themselves ("I", "my", "me"): every second-person
    word adds :data:`SECOND_PERSON_WEIGHT` to the clinician side, every first-person
    word :data:`FIRST_PERSON_WEIGHT` to the patient side ("thank you" and "you know"
    do not count). It keeps a GP's explaining and planning, where the patient asks
    the questions, on the clinician's side.

Sides: a clinician (doctor, nurse, a second clinician) is the clinician side;
the patient and ``other`` (someone speaking for the patient: a parent, a
relative) are the patient side (:func:`side`; issue 13).

Assignment: the speaker with the highest clinician-minus-patient score is
the clinician; among the rest the one with the highest patient-minus-other-
minus-clinician score is the patient; further speakers are clinicians (a nurse,
a second doctor) when their own clinician margin is comparable to the main
clinician's, else ``other`` (see :func:`assign_roles`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from medisync.application.ports import Segment

CLINICIAN, PATIENT, OTHER = "clinician", "patient", "other"

_TITLE = r"(?:doctor|dr|nurse|physician|np|pa|provider)"

# (pattern, weight); patterns run on lowercase text with punctuation kept.
CLINICIAN_CUES: list[tuple[str, float]] = [
    (rf"\b(?:i am|i'm|this is|my name is)\s+(?:the\s+|your\s+)?{_TITLE}\b", 6.0),
    (r"\b(?:i am|i'm)\s+(?:the\s+|your\s+)?(?:nurse|doctor|physician|resident|surgeon)\b", 3.0),
    # a name, then the title: "I'm Dana, the nurse", "this is Sam, your doctor" (D107)
    (rf"\b(?:i am|i'm|this is|my name is)\s+[a-z]+,?\s+(?:the|your)\s+(?:{_TITLE}|nurse practitioner|"
     r"physician assistant|medical assistant|cardiologist|dermatologist|neurologist|surgeon)\b(?!'s)", 6.0),
    (r"\bmy (?:assessment|impression|diagnosis)\b", 4.0),
    (r"\b(?:i|we)(?: will|'ll| would like to|'d like to| want to| are going to|'re going to| am going to|'m going to)\s+"
     r"(?:increase|decrease|reduce|start|stop|switch|change|prescribe|order|refer|check|send|get|schedule|add|adjust|continue|recommend)", 3.0),
    (r"\bi (?:recommend|suggest|advise|prescribe)\b", 3.0),
    (r"\b(?:i am|i'm) (?:ordering|referring|prescribing|starting|increasing|sending|going to order)\b", 3.0),
    (r"\b(?:prescribe|prescription|referral|refer you|physical therapy)\b", 1.5),
    (r"\byour (?:blood pressure|heart rate|pulse|temperature|oxygen|weight|exam|lungs|heart|labs?|results?|a ?1 ?c|hemoglobin|cholesterol|x-?ray|scan)\b", 2.5),
    (r"\b(?:come back|follow[- ]up|see you (?:back|again|in))\b", 2.0),
    (r"\b(?:any|do you have any|have you had any|are you having any)\s+\w+", 1.0),
    (r"\b(?:how (?:have|are|long|often|much)|what (?:happened|brings|dose|medications?)|when did|where does|does it|do you|are you|have you|is there)\b", 1.0),
    (r"\b(?:mister|missus|mr\.?|mrs\.?|ms\.?)\s+[a-z]+", 1.0),
    (r"\b(?:let's|let me)\s+(?:check|take a look|examine|listen)\b", 2.0),
    (r"\bkeep (?:taking|walking|a log)\b", 1.5),
    (r"\bplease\b", 0.5),
]

PATIENT_CUES: list[tuple[str, float]] = [
    (rf"\b(?:thank you|thanks|okay|ok|yes|no|sure)[,.!]?\s+{_TITLE}\b", 4.0),
    (r"\bmy (?:pain|back|head|chest|stomach|leg|legs|arm|knee|feet|foot|sugars?|readings?|blood|symptoms?|"
     r"medicine|medication|pills?|vision|throat|cough|skin|neck|shoulder)\b", 1.5),
    (r"\bi(?: have| 've| have been|'ve been| had| get| feel| felt| take| took| am taking|'m taking| noticed| can't| cannot)\b", 1.0),
    (r"\bi(?:t| t)? ?(?:hurts|aches|burns|itches)\b", 1.5),
    (r"\b(?:i am|i'm) allergic\b", 2.0),
    (r"^\s*(?:yes|yeah|no|nope|not really|mostly|just)\b", 1.0),
    (r"\bwhen do you want to see me\b", 2.0),
]

OTHER_CUES: list[tuple[str, float]] = [
    (r"\b(?:i am|i'm)\s+(?:[a-z]+,?\s+)?(?:his|her|their)\s+(?:wife|husband|son|daughter|mother|father|partner|caregiver|sister|brother|interpreter|friend)\b", 6.0),
    (r"\bmy (?:mother|father|mom|dad|wife|husband|son|daughter|child|kid|grandmother|grandfather|partner)\b", 1.5),
    (r"\b(?:she|he) (?:has|had|is|was|gets|got|says|said|takes|took|can't|cannot|doesn't|didn't)\b", 1.0),
]

# Grammatical person (D83): weights chosen on PriMock57 tune windows (tools/role_windows.py);
# the second person must outweigh the first, since clinicians say "I think", "I'd recommend".
SECOND_PERSON = re.compile(r"\b(?<!thank )(?:you(?! know\b)|your|yours|yourself|you're|you've|you'll|you'd)\b")
FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself)\b")
SECOND_PERSON_WEIGHT, FIRST_PERSON_WEIGHT = 0.75, 0.3

_QUESTION_END = re.compile(r"\?\s*$")


def side(role: str | None) -> str | None:
    """``clinician`` for the clinician side; ``patient`` for the patient and anyone speaking for
    them (``other``: a parent, a relative); ``None`` stays ``None`` (issue 13)."""
    if role is None:
        return None
    return CLINICIAN if role == CLINICIAN else PATIENT


def _count(patterns: Iterable[tuple[str, float]], text: str) -> float:
    return sum(w * len(re.findall(p, text)) for p, w in patterns)


@dataclass
class SpeakerEvidence:
    clinician: float = 0.0
    patient: float = 0.0
    other: float = 0.0
    questions: int = 0
    words: int = 0
    first_start: float = float("inf")
    cues: list[str] = field(default_factory=list)

    @property
    def clinician_margin(self) -> float:
        return self.clinician - self.patient


def gather_evidence(segments: Sequence[Segment], person: bool = True) -> dict[str, SpeakerEvidence]:
    """``segments``: dicts with ``speaker``, ``text`` and ``start``; ``person``: count the
    grammatical person too (D83; :func:`takes_both_sides` keeps D68's evidence without it)."""
    ev: dict[str, SpeakerEvidence] = {}
    for seg in segments:
        spk = seg["speaker"]
        e = ev.setdefault(spk, SpeakerEvidence())
        text = str(seg.get("text", "")).strip().lower()
        e.first_start = min(e.first_start, float(seg.get("start", 0.0)))
        e.words += len(text.split())
        # sentence-level question detection
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if _QUESTION_END.search(sentence):
                e.questions += 1
        e.clinician += _count(CLINICIAN_CUES, text)
        e.patient += _count(PATIENT_CUES, text)
        e.other += _count(OTHER_CUES, text)
        if person:
            e.clinician += SECOND_PERSON_WEIGHT * len(SECOND_PERSON.findall(text))
            e.patient += FIRST_PERSON_WEIGHT * len(FIRST_PERSON.findall(text))
    for e in ev.values():
        e.clinician += 1.0 * e.questions
    return ev


def takes_both_sides(segments: Sequence[Segment], min_margin: float = 2.5,
                     pair: tuple[str, str] | None = None, person: bool = False) -> bool:
    """Whether exactly two speakers (or the two speakers of ``pair``) take the two sides of a
    visit: one's clinician evidence exceeds their patient evidence by ``min_margin`` or more, and
    the other's patient evidence exceeds their clinician evidence by as much.  ``person``: count the
    grammatical person too (D83), as D90's test of a split cluster of a multi-speaker result does.

    The evidence that a one-speaker diarization was really two similar voices (D68): on the tune
    data, splitting a merged doctor/patient pair gave halves at margins 3-11 / 3-8, while the two
    halves of one speaker alone never both reached 2.5 (a doctor's halves are both clinician-like,
    a patient's both patient-like; speech without clinical cues has no margin at all).
    """
    ev = gather_evidence(segments, person=person)
    if pair is None:
        if len(ev) != 2:
            return False
        a, b = ev.values()
    elif pair[0] in ev and pair[1] in ev:
        a, b = ev[pair[0]], ev[pair[1]]
    else:
        return False
    return ((a.clinician_margin >= min_margin and -b.clinician_margin >= min_margin)
            or (b.clinician_margin >= min_margin and -a.clinician_margin >= min_margin))


def assign_roles(segments: Sequence[Segment], strong_clinician: float = 6.0,
                 second_clinician_share: float = 0.5) -> dict[str, str]:
    """Return ``{speaker: role}`` for every speaker appearing in ``segments``.

    * clinician: the highest clinician margin (clinician - patient - other evidence);
    * patient: among the rest, the most patient-like *and* least clinician-like speaker
      (patient - other - clinician evidence), so a second clinician who asks most of the
      questions is not taken for the patient just because a nurse spoke first;
    * every further speaker is a clinician too (a nurse, a second doctor) when their own
      clinician margin is positive and reaches ``second_clinician_share`` of the main
      clinician's, or ``strong_clinician`` outright; otherwise ``other``.
    """
    ev = gather_evidence(segments)
    if not ev:
        return {}
    speakers = list(ev)

    def margin(s: str) -> float:
        return ev[s].clinician - ev[s].patient - ev[s].other

    # clinician: best margin; ties -> more words, then earliest speaker
    clinician = max(speakers, key=lambda s: (ev[s].clinician_margin, ev[s].words, -ev[s].first_start))
    roles = {clinician: CLINICIAN}
    if len(speakers) == 1:
        if ev[clinician].clinician_margin < 0:
            roles[clinician] = PATIENT
        return roles
    rest = [s for s in speakers if s != clinician]
    patient = max(rest, key=lambda s: (ev[s].patient - ev[s].other - ev[s].clinician, ev[s].words,
                                       -ev[s].first_start))
    roles[patient] = PATIENT
    bar = max(1e-9, second_clinician_share * max(margin(clinician), 0.0))
    for s in rest:
        if s != patient:
            roles[s] = CLINICIAN if margin(s) >= min(bar, strong_clinician) and margin(s) > 0 else OTHER
    return roles
