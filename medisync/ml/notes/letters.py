"""Letters built from a note version: a referral, a work note, a letter to the GP.

A letter only restates the note (its assessment, plan, medications and
allergies) and the visit's facts the caller passes (patient, clinician,
date); it adds nothing clinical of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from medisync.application.ports import NoteVersion

LETTER_KINDS = ("referral", "work_note", "to_gp")
_WORK = re.compile(r"\b(work|job|lift|lifting|duty|duties|rest|return|school|off)\b", re.IGNORECASE)


@dataclass(frozen=True)
class LetterContext:
    recipient: str
    patient_name: str
    clinician_name: str
    visit_date: str


def _section(version: Mapping[str, Any], *keys: str) -> str:
    by_key = {s.get("key"): s.get("text", "") for s in version.get("sections") or []}
    texts = [by_key.get(k) or version.get(k) or "" for k in keys]
    return "\n".join(t for t in texts if t and not t.startswith("Not enough content")).strip()


def _medications(version: NoteVersion) -> str:
    insights: Mapping[str, Any] = version.get("insights") or {}  # older versions may lack a list
    meds = insights.get("medications") or []
    return "; ".join(" ".join(str(v) for v in (m["name"], m.get("dose"), m.get("frequency")) if v)
                     + f" ({m.get('status', 'active')})" for m in meds)


def _allergies(version: NoteVersion) -> str:
    insights: Mapping[str, Any] = version.get("insights") or {}
    items = insights.get("allergies") or []
    return "; ".join(a["substance"] + (f" ({a['reaction']})" if a.get("reaction") else "") for a in items)


def _clinical_block(version: NoteVersion) -> list[str]:
    parts = [("Assessment", _section(version, "assessment", "assessment_and_plan")),
             ("Plan", _section(version, "plan")), ("Medications", _medications(version)),
             ("Allergies", _allergies(version))]
    return [f"{title}:\n{text}" for title, text in parts if text]


def _body(kind: str, version: NoteVersion, ctx: LetterContext) -> list[str]:
    if kind == "work_note":
        advice = [line for line in _section(version, "plan", "assessment_and_plan").splitlines() if _WORK.search(line)]
        return [f"{ctx.patient_name} was seen in clinic on {ctx.visit_date}.", *advice]
    if kind == "referral":
        reason = _section(version, "assessment", "assessment_and_plan")
        return [f"I would be grateful if you would see {ctx.patient_name}, whom I saw on {ctx.visit_date}.",
                f"History:\n{_section(version, 'subjective', 'history_of_present_illness')}",
                *_clinical_block(version)] if reason else [f"I saw {ctx.patient_name} on {ctx.visit_date}."]
    return [f"I saw your patient {ctx.patient_name} on {ctx.visit_date}.", *_clinical_block(version)]


def compose_letter(kind: str, version: NoteVersion, ctx: LetterContext) -> str:
    if kind not in LETTER_KINDS:
        raise ValueError(f"unknown letter kind {kind!r}; one of {', '.join(LETTER_KINDS)}")
    greeting = f"To {ctx.recipient}," if kind == "work_note" else f"Dear {ctx.recipient},"
    body = [p for p in _body(kind, version, ctx) if p and not p.endswith(":\n")]
    return "\n\n".join([greeting, *body, f"Yours sincerely,\n{ctx.clinician_name}"])
