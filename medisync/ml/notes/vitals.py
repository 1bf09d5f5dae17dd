"""Vital signs measured at the visit.

Works on normalised sentence text (numbers already digits, "percent" -> "%",
"kilograms" -> "kg").  Only clinician (or role-less) statements count; a
clause that talks about home readings, logs or earlier visits is skipped,
since the note records what was measured today.  Temperatures above 50 are
taken as Fahrenheit and converted to Celsius; weights in pounds to kg.
"""

from __future__ import annotations

import re
from typing import Any

from .text import Sentence

VITAL_KEYS = ("bp_systolic", "bp_diastolic", "heart_rate", "temperature_c", "spo2", "respiratory_rate", "weight_kg")

_NUM = r"(\d{1,3}(?:\.\d+)?)"
_HOME = re.compile(
    r"\b(home|at home|readings?|log|logs|monitor|machine|cuff|usually|normally|average|last visit|last time|"
    r"previous|previously|before|ago|yesterday|last week|last month|most mornings|in the mornings|pharmacy|"
    r"goal|target|should be|below|under|less than|above|over the past|last night|the other day|earlier this week)\b"
)
_BP_KW = re.compile(r"\b(blood pressure|bp|pressure)\b")
_BP = re.compile(r"\b(\d{2,3})\s*(?:/|over)\s*(\d{2,3})\b")
_HR = re.compile(r"\b(?:heart rate|pulse(?: rate)?|hr|heartbeat|heart beat)\b(?:\s+\w+){0,4}?\s+" + _NUM + r"\b")
_HR2 = re.compile(_NUM + r"\s+(?:beats per minute|bpm|beats a minute)\b")
_TEMP = re.compile(r"\b(?:temperature|temp|fever)\b(?:\s+(?!\d)\w+){0,4}?\s+" + _NUM + r"\b")
_SPO2 = re.compile(
    r"\b(?:oxygen(?: saturation| level| sat| sats)?|o 2(?: sat| sats| saturation)?|o2|saturation|sats?|pulse ox(?:imetry)?|spo 2|sp o 2)\b"
    r"(?:\s+(?!\d)\w+){0,4}?\s+" + _NUM + r"\s*(%)?"
)
_RR = re.compile(
    r"\b(?:respiratory rate|respiration rate|respirations|resp rate|breathing rate|rr)\b(?:\s+(?!\d)\w+){0,4}?\s+" + _NUM + r"\b"
)
_RR2 = re.compile(_NUM + r"\s+(?:breaths per minute|breaths a minute|breaths)\b")
_WT = re.compile(
    r"\b(?:weigh|weighs|weight|weighing|weighed)\b(?:\s+(?!\d)\w+){0,4}?\s+" + _NUM + r"\s*(kg|lb|stone)?\b"
)
_WT2 = re.compile(_NUM + r"\s*(kg|lb)\b")
_WT_SKIP = re.compile(r"\b(lost|gained|lose|gain|losing|gaining|down|up)\b")


def _num(s: str) -> float:
    v = float(s)
    return int(v) if v.is_integer() else v


def extract_vitals(sentences: list[Sentence]) -> tuple[dict[str, Any], list[Sentence]]:
    """Vitals dict (all keys, None when not measured) and the sentences used."""
    vit: dict[str, Any] = {k: None for k in VITAL_KEYS}
    used: list[Sentence] = []
    for sent in sentences:
        # a relative's report ("his temperature was 39 last night") is history, not a measurement here
        if sent.role not in ("clinician", "unknown") or sent.is_question:
            continue
        norm = sent.norm
        # "today" / "here" belong to the measurement: keep them in the clause
        clauses = re.split(r"\s[,;]\s(?=(?:and\s+)?(?:your|the|her|his|temp|temperature|pulse|heart|oxygen|respiratory|weight|blood|bp|o2|sats?)\b)|\sbut\s", norm)
        hit = False
        for clause in clauses:
            if _HOME.search(clause) and not re.search(r"\b(today|here|now|this morning in clinic)\b", clause):
                continue
            if vit["bp_systolic"] is None:
                m = _BP.search(clause)
                if m and (_BP_KW.search(clause) or sent.role == "clinician"):
                    sys_, dia = int(m.group(1)), int(m.group(2))
                    if 70 <= sys_ <= 260 and 30 <= dia <= 160 and sys_ > dia:
                        vit["bp_systolic"], vit["bp_diastolic"] = sys_, dia
                        hit = True
            if vit["heart_rate"] is None:
                m = _HR.search(clause) or _HR2.search(clause)
                if m:
                    v = _num(m.group(1))
                    if 25 <= v <= 250:
                        vit["heart_rate"] = v
                        hit = True
            if vit["temperature_c"] is None:
                m = _TEMP.search(clause)
                if m:
                    v = float(m.group(1))
                    if 90 <= v <= 110:
                        v = round((v - 32) * 5 / 9, 1)
                    if 33 <= v <= 44:
                        vit["temperature_c"] = round(v, 1)
                        hit = True
            if vit["spo2"] is None:
                m = _SPO2.search(clause)
                if m:
                    v = _num(m.group(1))
                    if 50 <= v <= 100:
                        vit["spo2"] = v
                        hit = True
            if vit["respiratory_rate"] is None:
                m = _RR.search(clause) or _RR2.search(clause)
                if m:
                    v = _num(m.group(1))
                    if 4 <= v <= 70:
                        vit["respiratory_rate"] = v
                        hit = True
            if vit["weight_kg"] is None and not _WT_SKIP.search(clause):
                m = _WT.search(clause)
                unit = m.group(2) if m else None
                if m is None:
                    m2 = _WT2.search(clause)
                    # a body weight needs its verb, except in a clinician's exam statement ("he wears 18 kg":
                    # ASR for "weighs"); "lost 5 kg" is excluded above
                    if m2 and (re.search(r"\b(weigh|weight|scale)", clause) or sent.role == "clinician"):
                        m, unit = m2, m2.group(2)
                if m:
                    v = float(m.group(1))
                    if unit == "lb" or (unit is None and v > 150):
                        v = v * 0.45359237
                    if 2 <= v <= 350:
                        vit["weight_kg"] = round(v) if abs(v - round(v)) < 0.05 else round(v, 1)
                        hit = True
        if hit:
            used.append(sent)
    return vit, used
