"""The chief complaint, and the text of a section where the transcript gave nothing."""

from __future__ import annotations

import re

from medisync.application.ports import Diagnosis, Symptom

from .lexicon import condition_lexicon
from .text import Sentence, Turn

EMPTY = {
    "subjective": "Not enough content in the transcript to document a subjective history.",
    "objective": "Not enough content in the transcript to document objective findings.",
    "assessment": "Not enough content in the transcript to document an assessment.",
    "plan": "Not enough content in the transcript to document a plan.",
}

_FU_VISIT = re.compile(r"\b(follow up|check|checkup|check up|recheck|review)\b")
_HIGH_SUGAR = re.compile(r"\b(sugars?|glucose|blood sugars?)\b.{0,40}\b(high|elevated|up|running high)\b|\bhigh (blood )?sugars?\b")
_BP_READ = re.compile(r"\b(blood pressure|pressure|readings?|bp)\b")
_BP_VALUE = re.compile(r"\b(\d{2,3})\s*(?:/|over)\s*(\d{2,3})\b")
_MECHANISM = [
    (re.compile(r"\b(lift|lifting|lifted)\b|\bmov(e|ed|ing)\b.{0,25}\bheavy\b|\bheavy\b.{0,25}\b(lift|move|moving|couch|box|boxes)\b"), "after lifting"),
    (re.compile(r"\b(fell|fall|falling|slipped|tripped)\b"), "after a fall"),
    (re.compile(r"\b(twisted|twisting|rolled)\b"), "after a twisting injury"),
]


def chief_complaint(turns: list[Turn], symptoms: list[Symptom], diagnoses: list[Diagnosis],
                    first_mentions: dict[str, int]) -> str | None:
    if not turns:
        return None
    clin_open = [s for t in turns[:3] if t.role == "clinician" for s in t.sentences]
    patient_turns = [t for t in turns if t.role in ("patient", "other", "unknown")][:2]
    _by_code, matcher = condition_lexicon()
    follow_cond = None
    for s in clin_open:
        if _FU_VISIT.search(s.norm):
            ms = matcher.find(s.content)
            if ms:
                follow_cond = " ".join(ms[0].phrase)
                break
    problem = None
    opening = " ".join(s.norm for s in clin_open)
    for t in patient_turns:
        norm = " ".join(s.norm for s in t.sentences)
        if _HIGH_SUGAR.search(norm):
            problem = "high blood sugars"
            break
        bp = _BP_VALUE.search(norm)
        if bp and int(bp.group(1)) >= 140 and (_BP_READ.search(norm) or _BP_READ.search(opening)):
            home = "home " if re.search(r"\bhome\b", norm + " " + opening) else ""
            problem = f"high {home}blood pressure readings"
            break
    present = [s for s in symptoms if s["present"]]
    symptom_phrase = None
    if present:
        first = present[0]
        names = [first["name"]]
        opening = {sent.index for t in patient_turns for sent in t.sentences}
        same = [s for s in present[1:] if first_mentions.get(s["name"]) in opening] \
            if first_mentions.get(first["name"]) in opening else []
        if same:
            names.append(same[0]["name"])
        symptom_phrase = " and ".join(names)
        sent_text = " ".join(s.norm for t in patient_turns for s in t.sentences)
        for pat, label in _MECHANISM:
            if pat.search(sent_text):
                symptom_phrase += " " + label
                break
    if follow_cond:
        extra = problem or symptom_phrase
        return f"{follow_cond} follow-up" + (f" with {extra}" if extra else "")
    if problem:
        return problem
    if symptom_phrase:
        return symptom_phrase
    if diagnoses:
        return str(diagnoses[0]["name"])
    return None
