"""The chief complaint, and the text of a section where the transcript gave nothing."""

from __future__ import annotations

import re

from medisync.application.ports import Diagnosis, Symptom

from .lab_result import abnormal_result
from .lexicon import condition_lexicon, symptom_lexicon
from .opening_problem import is_flare, opening_lesion, opening_problem
from .patient_reason import set_aside
from .text import Sentence, Turn, phrase_key

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
    # "I can't fall asleep" is no fall (D322)
    (re.compile(r"\b(fell|fall|falling|slipped|tripped)\b(?! (?:asleep|back asleep|behind|apart|off the wagon))"), "after a fall"),
    (re.compile(r"\b(twisted|twisting|rolled)\b"), "after a twisting injury"),
]
#: a simile before a mechanism's word: "I itched like I'd rolled in poison ivy" (D322)
_SIMILE = frozenset({"like", "if"})


#: words that deny a mechanism said within three words after them: "No fall, no pop." (D157)
_DENIED = frozenset("no not never without nor".split())  # contractions are split by the tokenizer


def _mechanism(sentences: list[Sentence]) -> str | None:
    """How the complaint began, from the patient's opening turns, unless it was denied ("no fall")."""
    for pat, label in _MECHANISM:
        for sent in sentences:
            if any(not (_DENIED | _SIMILE) & set(sent.norm[:m.start()].split()[-3:]) for m in pat.finditer(sent.norm)):
                return label
    return None


#: the words that give a body part its side ("my right knee", "both elbows")
_OWNERS = frozenset("my his her your their our".split())
_SIDES = {"left": "left", "right": "right", "both": "bilateral", "bilateral": "bilateral"}


def _sides_of(body: tuple[str, ...], sent: Sentence) -> set[str]:
    """The sides said right before each mention of the body part in a sentence (up to 2 words before);
    "both" only before the plural ("both knees", not "both my knee and my hip")."""
    out = set()
    for m in symptom_lexicon().body.find(sent.content):
        if m.phrase == body:
            start, end = sent.raw_span(m.start, m.end)
            plural = sent.toks[end - 1].endswith("s")
            out |= {_SIDES[t] for t in sent.toks[max(0, start - 2):start]
                    if t in _SIDES and (t != "both" or plural)}
    return out


def _visit_sides(body: tuple[str, ...], turns: list[Turn]) -> set[str]:
    return {side for t in turns for sent in t.sentences for side in _sides_of(body, sent)}


def contested_sides_dropped(text: str, turns: list[Turn]) -> str:
    """``text`` without the side of a body part that the visit gives more than one side ("you came in
    with right knee pain" / "it's not the right knee, it's the left knee"): a wrong side is worse than none."""
    words = text.split()
    keep = [True] * len(words)
    for i, word in enumerate(words):
        if word.lower() in _SIDES:
            near = " ".join(words[i + 1:i + 3])
            bodies = symptom_lexicon().body.find(list(phrase_key(near)))
            keep[i] = not bodies or len(_visit_sides(bodies[0].phrase, turns)) <= 1
    return " ".join(w for w, k in zip(words, keep) if k)


def with_side(name: str, turns: list[Turn]) -> str:
    """A located symptom's name with the side of its body part ("right knee pain"), when the visit gives
    that body part one side only; else the name as it is (a wrong side is worse than none)."""
    bodies = symptom_lexicon().body.find(list(phrase_key(name)))
    if not bodies:
        return name
    sides = _visit_sides(bodies[0].phrase, turns)
    return f"{sides.pop()} {name}" if len(sides) == 1 else name


def _opening_body(turns: list[Turn], upto: int) -> str | None:
    """The one body part the visit names as someone's ("I rolled my right ankle", "problems with your right
    hip") up to the sentence ``upto`` where the complaint is first told, as a prefix."""
    found = {m.payload.prefix for t in turns for sent in t.sentences if sent.index <= upto
             for m in symptom_lexicon().body.find(sent.content) if _owned(sent, m.start)}
    return found.pop() if len(found) == 1 else None


def _owned(sent: Sentence, start: int) -> bool:
    """Whether a body part is someone's ("my right ankle", "her left side"), not "somebody's foot"."""
    at = sent.raw_span(start, start + 1)[0]
    return any(t in _OWNERS for t in sent.toks[max(0, at - 2):at])


def _located(name: str, told_at: int | None, turns: list[Turn]) -> str:
    """A symptom told without its place ("it swelled up") at the place the visit names up to where it is
    told, when the symptom takes one and exactly one is named ("right ankle swelling"); else with its side."""
    concept = symptom_lexicon().symptoms.get(name)
    body = _opening_body(turns, told_at) if told_at is not None else None
    if concept is None or concept.loc != "prefix" or body is None or symptom_lexicon().body.find(list(phrase_key(name))):
        return with_side(name, turns)
    return with_side(f"{body} {name}", turns)


#: what a complaint does to the patient rather than the complaint itself: "I'm limping down the stairs" (D295)
_CONSEQUENCES = frozenset({"limping"})


def chief_complaint(turns: list[Turn], symptoms: list[Symptom], diagnoses: list[Diagnosis],
                    first_mentions: dict[str, int], told: str | None = None) -> str | None:
    """The chief complaint composed from the visit's opening; ``told``: the reason in the patient's words
    (patient_reason.py), which stands for the first symptom's composed name."""
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
    problem = problem or abnormal_result(turns)  # D240
    aside = set_aside(patient_turns)  # "a little cough, but that's not why we're here" (D259)
    present = [s for s in symptoms if s["present"] and s.get("certainty") != "uncertain"  # no "possibly" (D301)
               and first_mentions.get(s["name"]) not in aside]
    present.sort(key=lambda s: s["name"] in _CONSEQUENCES)  # a limp leads only when nothing else was told
    symptom_phrase = None
    if present:
        first = present[0]
        names = [told or _located(first["name"], first_mentions.get(first["name"]), turns)]
        opening = {sent.index for t in patient_turns for sent in t.sentences}
        same = [s for s in present[1:] if first_mentions.get(s["name"]) in opening] \
            if first_mentions.get(first["name"]) in opening else []
        if same and not (told and set(str(same[0]["name"]).split()) <= set(told.split())):
            names.append(same[0]["name"])
        symptom_phrase = " and ".join(names)
        mechanism = _mechanism([s for t in patient_turns for s in t.sentences])
        if mechanism:
            symptom_phrase += " " + mechanism
    return _pick(follow_cond, problem, symptom_phrase, turns, diagnoses)


def _pick(follow_cond: str | None, problem: str | None, symptom_phrase: str | None, turns: list[Turn],
          diagnoses: list[Diagnosis]) -> str | None:
    """The chief complaint from its candidates: a follow-up visit, a reading or result, a condition the patient side
    shows on the body (D232), one it says is flaring (with the symptoms told), the symptoms, an injury or refill
    (D217), the first diagnosis."""
    if follow_cond:
        extra = problem or symptom_phrase
        return f"{follow_cond} follow-up" + (f" with {extra}" if extra else "")
    if problem:
        return problem
    lesion = opening_lesion(turns)
    if lesion:
        return lesion
    opened = opening_problem(turns)
    if opened and is_flare(opened):
        told = symptom_phrase and not set(symptom_phrase.split()) <= set(opened.split())
        return opened + (f" with {symptom_phrase}" if told else "")
    if symptom_phrase or opened:
        return symptom_phrase or opened
    if diagnoses:
        return str(diagnoses[0]["name"])
    return None
