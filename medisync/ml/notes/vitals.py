"""Vital signs measured at the visit.

Works on normalised sentence text (numbers already digits, "percent" -> "%",
"kilograms" -> "kg").  Only clinician (or role-less) statements count; a
clause that talks about home readings, logs or earlier visits is skipped,
since the note records what was measured today.  Temperatures above 50 are
taken as Fahrenheit and converted to Celsius; weights in pounds to kg.
"""

from __future__ import annotations

import re
from typing import Callable, cast

from medisync.application.ports import VitalKey, VitalReading, Vitals

from .text import Sentence, build_turns

VITAL_KEYS = ("bp_systolic", "bp_diastolic", "heart_rate", "temperature_c", "spo2", "respiratory_rate", "weight_kg")

_NUM = r"(\d{1,3}(?:\.\d+)?)"
_HOME = re.compile(
    r"\b(home|at home|readings?|log|logs|monitor|machine|cuff|usually|normally|average|last visit|last time|"
    r"previous|previously|before|ago|yesterday|last week|last month|most mornings|in the mornings|pharmacy|"
    r"goal|target|should be|below|under|less than|above|over the past|last night|the other day|earlier this week)\b"
)
_BP_KW = re.compile(r"\b(blood pressure|bp|pressure)\b")
_BP = re.compile(r"\b(\d{2,3})\s*(?:/|over)\s*(\d{2,3})\b")
#: Whisper's "over" after the words "blood pressure": "128 or 76", "122 of a 76" (D190)
_BP_HEARD = re.compile(r"\b(?:blood pressure|bp|pressure)\b(?:\s+(?!\d)\w+){0,3}?\s+(\d{2,3})\s+(?:or|of a|of|over a)\s+(\d{2,3})\b")
#: Whisper's "pulse" as "plus" in a list of readings: "blood pressure 126 over 78 , plus 84" (D190)
_HR_HEARD = re.compile(r"(?:^|[,;]\s)plus\s+(\d{2,3})\b(?!\s*(?:%|percent|mg|milligrams?|kg|lb|pounds|years?|days?))")
_READING_KW = re.compile(r"\b(?:blood pressure|bp|temperature|temp|oxygen|respirations?|respiratory rate|weight)\s+(?:is\s+)?\d")
#: "pulse ox(imetry)" is the oxygen saturation, not the pulse (D214)
#: up to five words, and a comma, between the word and the reading: "your pulse is quick , 112", "pulse is a
#: little fast at 112" (D267)
_HR = re.compile(r"\b(?:heart rate|part rate|pulse(?: rate)?(?! ox)|hr|heartbeat|heart beat)\b(?:\s+\w+){0,5}?(?:\s+,)?\s+"
                 + _NUM + r"\b")
_HR2 = re.compile(_NUM + r"\s+(?:beats per minute|bpm|beats a minute)\b")
_TEMP = re.compile(r"\b(?:temperature|temp|fever)\b(?:\s+(?!\d)\w+){0,4}?\s+" + _NUM + r"\b")
_SPO2 = re.compile(
    r"\b(?:oxygen(?: saturation| level| sat| sats)?|o 2(?: sat| sats| saturation)?|o2|saturation|sats?|pulse ox(?:imetry)?|spo 2|sp o 2)\b"
    r"(?:\s+(?!\d)\w+){0,4}?\s+" + _NUM + r"\s*(%)?"
)
_RR = re.compile(
    r"\b(?:respiratory rate|respiration rate|respirations?|resp rate|breathing rate|rr)\b(?:\s+(?!\d)\w+){0,4}?\s+" + _NUM + r"\b"
)
_RR2 = re.compile(_NUM + r"\s+(?:breaths per minute|breaths a minute|breaths)\b")
#: "you are breathing twenty two times a minute"
_RR3 = re.compile(r"\b(?:breathing|breathes|breathe)\s+(?:at\s+)?" + _NUM + r"\s+(?:times\s+)?(?:a|per|each) minute\b")
_WT = re.compile(
    r"\b(?:weigh|weighs|weight|weighing|weighed)\b(?:\s+(?!\d)\w+){0,4}?\s+" + _NUM + r"\s*(kg|lb|stone)?\b"
)
_WT2 = re.compile(_NUM + r"\s*(kg|lb)\b")
_WT_SKIP = re.compile(r"\b(lost|gained|lose|gain|losing|gaining|down|up)\b")


def _num(s: str) -> float:
    v = float(s)
    return int(v) if v.is_integer() else v


# "today" / "here" belong to the measurement: keep them in the clause
_CLAUSE_SPLIT = re.compile(
    r"\s[,;]\s(?=(?:and\s+)?(?:your|the|her|his|temp|temperature|pulse|heart|oxygen|respiratory|weight|blood|bp|o2|sats?)\b)|\sbut\s"
)
_TODAY = re.compile(r"\b(today|here|now|this morning in clinic)\b")
#: today's reading compared with an earlier one: "you're 189 pounds , same as last time" (D267)
_COMPARED = re.compile(r"\b(?:same as|up from|down from|than)\s+(?:at\s+)?(?:your\s+)?(?:last time|last visit|before|previously)\b")


def extract_vitals(sentences: list[Sentence]) -> tuple[Vitals, list[Sentence]]:
    """Vitals dict (all keys, None when not measured) and the sentences used."""
    vit = cast(Vitals, dict.fromkeys(VITAL_KEYS))
    used: list[Sentence] = []
    for sent in sentences:
        # a relative's report ("his temperature was 39 last night") is history, not a measurement here
        if sent.is_question or (sent.role not in ("clinician", "unknown") and not _roll_call(sent)):
            continue
        hit = False
        for clause in _CLAUSE_SPLIT.split(sent.norm):
            if _HOME.search(_COMPARED.sub(" ", clause)) and not _TODAY.search(clause):
                continue
            hit = _read_clause(clause, sent.role, vit) or hit
        if hit:
            used.append(sent)
    return vit, used


#: a past or reported reading, as a relative tells it
_TOLD = re.compile(r"\b(?:was|were|had|got|said|says|checked|took)\b")


def _roll_call(sent: Sentence) -> bool:
    """A third speaker's (``other``) list of two or more readings in the present, as a nurse hands them
    over ("temperature 99.1 , pulse 88 , ..."): a measurement here, whoever the diarizer took them for (D190)."""
    if sent.role != "other" or _TOLD.search(sent.norm):
        return False
    probe = cast(Vitals, dict.fromkeys(VITAL_KEYS))
    for clause in _CLAUSE_SPLIT.split(sent.norm):
        _read_clause(clause, "other", probe)
    return sum(v is not None for v in probe.values()) >= 2 + (probe["bp_systolic"] is not None)


def _read_clause(clause: str, role: str, vit: Vitals) -> bool:
    """Fill the vitals still missing from ``vit`` with those the clause states; whether it stated any."""
    hit = False
    for key, read in _READERS:
        if vit[key] is None:
            found = read(clause, role)
            if found:
                vit.update(found)
                hit = True
    return hit


def _read_bp(clause: str, role: str) -> VitalReading | None:
    m = _BP.search(clause)
    if m and (_BP_KW.search(clause) or role == "clinician"):
        sys_, dia = int(m.group(1)), int(m.group(2))
        if 70 <= sys_ <= 260 and 30 <= dia <= 160 and sys_ > dia:
            return {"bp_systolic": sys_, "bp_diastolic": dia}
        return None
    m = _BP_HEARD.search(clause)
    if m:  # a misheard "over" is read only as a plausible pair: the diastolic well under the systolic
        sys_, dia = int(m.group(1)), int(m.group(2))
        if 70 <= sys_ <= 260 and 40 <= dia <= 140 and sys_ - dia >= 15:
            return {"bp_systolic": sys_, "bp_diastolic": dia}
    return None


def _read_heart_rate(clause: str, role: str) -> VitalReading | None:
    found = _read_pulse(clause, role)
    if found is None and _READING_KW.search(clause):
        m = _HR_HEARD.search(clause)
        if m and 30 <= int(m.group(1)) <= 200:
            return {"heart_rate": int(m.group(1))}
    return found


def _one_number(key: VitalKey, lo: float, hi: float,
                *patterns: re.Pattern[str]) -> Callable[[str, str], VitalReading | None]:
    """The reader of a vital stated as one number: the first of ``patterns`` that matches, kept when in ``[lo, hi]``."""
    def read(clause: str, role: str) -> VitalReading | None:
        for pattern in patterns:
            m = pattern.search(clause)
            if m:
                v = _num(m.group(1))
                return cast(VitalReading, {key: v}) if lo <= v <= hi else None
        return None
    return read


#: a reading said before the word: "you're at a hundred and one point two, so you do have a fever" (D187)
_TEMP_AT = re.compile(r"\b(?:at|running|reading)\s+(?:about\s+|around\s+)?" + _NUM + r"\b(?!\s*(?:percent|%))(?=.*\b(?:fever|febrile)\b)")
_OTHER_VITAL = re.compile(r"\b(?:pulse|heart|rate|pressure|bp|oxygen|sats?|saturation|o2|weight|weigh|pounds|kilos|"
                          r"kilograms|breaths?|breathing|respiratory)\b")


def _read_temperature(clause: str, role: str) -> VitalReading | None:
    m = _TEMP.search(clause)
    if not m:
        m = _TEMP_AT.search(clause) if not _OTHER_VITAL.search(clause) else None
        if m is None or not (99 <= float(m.group(1)) <= 106 or 37.5 <= float(m.group(1)) <= 41):
            return None
    v = float(m.group(1))
    if 90 <= v <= 110:
        v = round((v - 32) * 5 / 9, 1)
    return {"temperature_c": round(v, 1)} if 33 <= v <= 44 else None


def _read_weight(clause: str, role: str) -> VitalReading | None:
    if _WT_SKIP.search(clause):
        return None
    m = _WT.search(clause)
    unit = m.group(2) if m else None
    if m is None:
        m2 = _WT2.search(clause)
        # a body weight needs its verb, except in a clinician's exam statement ("he wears 18 kg":
        # ASR for "weighs"); "lost 5 kg" is excluded above
        if m2 and (re.search(r"\b(weigh|weight|scale)", clause) or role == "clinician"):
            m, unit = m2, m2.group(2)
    if not m:
        return None
    v = float(m.group(1))
    if unit == "lb" or (unit is None and v > 150):
        v = v * 0.45359237
    if 2 <= v <= 350:
        return {"weight_kg": round(v) if abs(v - round(v)) < 0.05 else round(v, 1)}
    return None


_read_pulse = _one_number("heart_rate", 25, 250, _HR, _HR2)

#: each vital's reader, in the order they are read from a clause
_READERS: tuple[tuple[VitalKey, Callable[[str, str], VitalReading | None]], ...] = (
    ("bp_systolic", _read_bp), ("heart_rate", _read_heart_rate),
    ("temperature_c", _read_temperature), ("spo2", _one_number("spo2", 50, 100, _SPO2)),
    ("respiratory_rate", _one_number("respiratory_rate", 4, 70, _RR, _RR2, _RR3)), ("weight_kg", _read_weight),
)


def read_statement(text: str) -> Vitals:
    """The vitals the note reads from ``text`` said by a clinician: the speech pipeline's vitals pass judges
    a second decoding by what it makes of it (D137)."""
    turns = build_turns({"text": text, "segments": [
        {"start": 0.0, "end": 0.0, "speaker": "S", "role": "clinician", "text": text}]})
    return extract_vitals([s for turn in turns for s in turn.sentences])[0]
