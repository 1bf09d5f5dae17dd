"""Chief complaint and readable SOAP text composed from the extracted facts."""

from __future__ import annotations

import re
from typing import Any

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


def chief_complaint(turns: list[Turn], symptoms: list[dict[str, Any]], diagnoses: list[dict[str, Any]],
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
        same = [s for s in present[1:] if first_mentions.get(s["name"]) == first_mentions.get(first["name"])]
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


_EXAM = re.compile(
    r"\b(lungs?|heart|abdomen|belly|exam|examination|tender|tenderness|reflexes|strength|straight leg|swollen|"
    r"swelling|red|redness|clear|wheez\w*|crackles|murmur|rash|throat|ears?|eardrums?|tonsils?|lymph|nodes|"
    r"palpat\w*|range of motion|sounds? (normal|clear|good)|looks? (normal|red|swollen|good|fine)|negative|"
    r"positive|normal|muscles?|skin|pupils|sensation|pulses)\b"
)
_RESULT = re.compile(r"\b(a 1 c|a1c|hemoglobin|cholesterol|ldl|hdl|creatinine|potassium|sodium|tsh|glucose|"
                     r"urinalysis|urine|test|x ray|results?|level|count|panel)\b.*\b(was|is|were|came back|showed)\b")
_ADVICE = re.compile(
    r"\b(avoid|keep|cut back|reduce|drink|rest|walk|walking|ice|heat|exercise|diet|salt|log|monitor|call|"
    r"return|sooner|stretch|stretching|elevate|fluids|sleep|limit|quit|stop smoking|weight|check your|bring)\b"
)


def _clean(text: str) -> str:
    t = text.strip()
    t = re.sub(r"^(okay|ok|so|alright|all right|well|and|now)[,\s]+", "", t, flags=re.I)
    return t[:1].upper() + t[1:] if t else t


def _med_line(m: dict[str, Any]) -> str:
    reg = " ".join(x for x in (m.get("dose"), m.get("frequency")) if x)
    name = m["name"] + (f" {reg}" if reg else "")
    return name


def compose(turns: list[Turn], insights: dict[str, Any], used: set[int], denied_allergies: bool,
            dx_sentences: list[Sentence]) -> dict[str, str]:
    if not turns:
        return dict(EMPTY)
    sents = [s for t in turns for s in t.sentences]
    # ---------------------------------------------------------------- subjective
    subj: list[str] = []
    if insights["chief_complaint"]:
        subj.append(f"Chief complaint: {insights['chief_complaint']}.")
    pos = [s for s in insights["symptoms"] if s["present"]]
    neg = [s for s in insights["symptoms"] if not s["present"]]
    if pos:
        items = [s["name"] + (f" for {s['duration']}" if s.get("duration") else "") +
                 (" (uncertain)" if s.get("certainty") == "uncertain" else "") for s in pos]
        subj.append("Reports " + _join(items) + ".")
    if neg:
        subj.append("Denies " + _join([s["name"] for s in neg]) + ".")
    home = [s for s in sents if s.role in ("patient", "other") and re.search(r"\b(readings?|sugars?|at home|home)\b", s.norm)
            and re.search(r"\d", s.norm)]
    if home:
        subj.append("Patient-reported readings: " + " ".join(f"\u201c{_clean(s.text)}\u201d" for s in home[:2]))
    prior = [m for m in insights["medications"] if m["status"] in ("active", "changed", "stopped")]
    if prior:
        subj.append("Current medications discussed: " + _join([m["name"] for m in prior]) + ".")
    if insights["allergies"]:
        subj.append("Allergies: " + _join([a["substance"] + (f" ({a['reaction']})" if a.get("reaction") else "")
                                          for a in insights["allergies"]]) + ".")
    elif denied_allergies:
        subj.append("No known drug allergies.")
    # ---------------------------------------------------------------- objective
    obj: list[str] = []
    v = insights["vitals"]
    vit = []
    if v["bp_systolic"] is not None:
        vit.append(f"BP {v['bp_systolic']}/{v['bp_diastolic']} mmHg")
    if v["heart_rate"] is not None:
        vit.append(f"HR {v['heart_rate']} bpm")
    if v["temperature_c"] is not None:
        vit.append(f"Temp {v['temperature_c']} \u00b0C")
    if v["spo2"] is not None:
        vit.append(f"SpO2 {v['spo2']}%")
    if v["respiratory_rate"] is not None:
        vit.append(f"RR {v['respiratory_rate']}/min")
    if v["weight_kg"] is not None:
        vit.append(f"Weight {v['weight_kg']} kg")
    if vit:
        obj.append("Vitals: " + ", ".join(vit) + ".")
    exam = [s for s in sents if s.role == "clinician" and not s.is_question and s.index not in used
            and _EXAM.search(s.norm) and not _RESULT.search(s.norm)]
    if exam:
        obj.append("Exam: " + " ".join(_clean(re.sub(r"^(your|the)\s+", "", s.text, flags=re.I)) for s in exam))
    results = [s for s in sents if s.role == "clinician" and not s.is_question and _RESULT.search(s.norm)
               and re.search(r"\d", s.norm) and not re.search(r"\b(order|ordering|check)\b", s.norm)]
    for s in results:
        # keep only the result clause, not vitals already listed
        parts = [p.strip() for p in re.split(r"(?<=[.!?])\s+|,\s+(?=(?:and\s+)?your\b)", s.text)
                 if _RESULT.search(" ".join(p.lower().split()))]
        if parts:
            obj.append("Results: " + " ".join(_clean(p) for p in parts))
    # ---------------------------------------------------------------- assessment
    ass: list[str] = []
    for i, d in enumerate(insights["diagnoses"], 1):
        ass.append(f"{i}. {d['name'][:1].upper() + d['name'][1:]} (ICD-10-CM {d['icd10']}).")
    if dx_sentences:
        ass.append("Clinician's assessment: " + " ".join(f"\u201c{_clean(s.text)}\u201d" for s in dx_sentences))
    # ---------------------------------------------------------------- plan
    plan: list[str] = []
    for m in insights["medications"]:
        line = _med_line(m)
        if m["status"] == "new":
            plan.append(f"Start {line}.")
        elif m["status"] == "changed":
            plan.append(f"Change {m['name']} to {' '.join(x for x in (m.get('dose'), m.get('frequency')) if x) or 'new regimen'}.")
        elif m["status"] == "stopped":
            plan.append(f"Stop {m['name']}.")
        else:
            plan.append(f"Continue {line}.")
    kinds = {"lab": "Labs", "imaging": "Imaging", "referral": "Referral", "procedure": "Procedures"}
    for kind, label in kinds.items():
        names = [o["name"] for o in insights["orders"] if o["kind"] == kind]
        if names:
            plan.append(f"{label}: {_join(names)}.")
    med_words = {w for m in insights["medications"] for w in m["name"].split()}
    advice = [s for s in sents if s.role == "clinician" and not s.is_question and s.index not in used
              and _ADVICE.search(s.norm) and not _EXAM.search(s.norm)
              and not re.search(r"\b\d+(\.\d+)? (mg|mcg|g|units|puffs?|tablets?)\b", s.norm)
              and not med_words.intersection(s.toks)]
    if advice:
        plan.append("Counseling: " + " ".join(_clean(s.text) for s in advice))
    if insights["follow_up"]:
        plan.append(f"Follow-up: return in {insights['follow_up']}.")
    return {
        "subjective": " ".join(subj) or EMPTY["subjective"],
        "objective": " ".join(obj) or "No vital signs or examination findings were stated.",
        "assessment": " ".join(ass) or "No assessment was stated by the clinician.",
        "plan": " ".join(plan) or "No plan was stated by the clinician.",
    }


def _join(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
