"""A plain-language summary for the patient, drawn only from a note version.

What we found (the diagnoses), what to take and how (the medications with
their regimen spelled out), tests and referrals, the warning signs the plan
states, and when to come back. No codes, no shorthand, nothing the note does
not say; short sentences so the Flesch-Kincaid grade stays at or below 8.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from medisync.application.ports import Medication, NoteVersion

from .readability import flesch_kincaid_grade

_WARNING = re.compile(r"\b(call|emergency|911|right away|worse|sooner|urgent)\b", re.IGNORECASE)
_YOU = ((r"\bthe patient's\b|\bher\b(?= \w)|\bhis\b|\btheir\b", "your"),
        (r"\bthemself\b|\bherself\b|\bhimself\b", "yourself"),
        (r"\bthe patient\b|\bshe\b|\bhe\b|\bthem\b", "you"))
_YOU_VERB = re.compile(r"\byou ((?:ever|also|still|just|really|never|always|usually|sometimes) )?(has|is|was)\b",
                       re.IGNORECASE)
_AGREE = {"has": "have", "is": "are", "was": "were"}


@dataclass(frozen=True)
class PatientSummary:
    text: str
    reading_grade: float


@lru_cache(maxsize=1)
def _plain() -> dict[str, dict[str, str]]:
    return json.loads(resources.files(__package__).joinpath("data/plain_language.json").read_text("utf-8"))


def plain(term: str) -> str:
    terms = _plain()["terms"]
    low = term.lower().strip()
    return terms.get(low) or terms.get(re.sub(r",.*$", "", low)) or low


def _regimen(m: Medication) -> str:
    freq = str(m.get("frequency") or "")
    for short, spelled in sorted(_plain()["frequencies"].items(), key=lambda kv: -len(kv[0])):
        freq = re.sub(rf"\b{re.escape(short)}\b", spelled, freq, flags=re.IGNORECASE)
    freq = freq.replace("+", "and")
    return ", ".join(p for p in (str(m.get("dose") or ""), freq) if p)


def _medication_line(m: Medication) -> str:
    verb = {"new": "Start", "changed": "Change", "stopped": "Stop"}.get(str(m.get("status")), "Keep taking")
    regimen = "" if verb == "Stop" else _regimen(m)
    joiner = " to " if verb == "Change" else ": "
    return f"{verb} {m['name']}" + (f"{joiner}{regimen}." if regimen else ".")


def second_person(text: str) -> str:
    """A note line said to the patient ("the patient should call" -> "you should call")."""
    out = text
    for pattern, repl in _YOU:
        out = re.sub(pattern, repl, out, flags=re.IGNORECASE)
    out = _YOU_VERB.sub(lambda m: "you " + (m.group(1) or "") + _AGREE[m.group(2).lower()], out)
    return out[:1].upper() + out[1:]


def _plan_text(version: NoteVersion) -> list[str]:
    sections = version.get("sections") or []
    texts = [s.get("text", "") for s in sections] or [str(version.get("plan") or "")]
    return [line.strip() for t in texts for line in re.split(r"\n|(?<=[.!?])\s+", t) if line.strip()]


def _blocks(version: NoteVersion) -> list[tuple[str, list[str]]]:
    insights: Mapping[str, Any] = version.get("insights") or {}  # older versions may lack a list
    found = [f"Your doctor found {plain(d['name'])}." for d in insights.get("diagnoses") or []]
    meds = [_medication_line(m) for m in insights.get("medications") or []]
    tests = [f"Your doctor {'referred you to' if o.get('kind') == 'referral' else 'ordered'} {plain(o['name'])}."
             for o in insights.get("orders") or []]
    warnings = [second_person(line) for line in _plan_text(version) if _WARNING.search(line)]
    back = [f"Come back in {insights['follow_up']}."] if insights.get("follow_up") else []
    return [("What we found", found), ("Your medicines", meds), ("Tests and referrals", tests),
            ("When to get help", list(dict.fromkeys(warnings))), ("Your next visit", back)]


def summarize(version: NoteVersion) -> PatientSummary:
    """The summary of one note version (``{insights, sections | plan, ...}``)."""
    blocks = [(title, lines) for title, lines in _blocks(version) if lines]
    if not blocks:
        text = "Your visit note does not list any findings, medicines or tests yet."
    else:
        text = "\n\n".join(title + "\n" + "\n".join(f"- {line}" for line in lines) for title, lines in blocks)
    return PatientSummary(text, flesch_kincaid_grade(text))
