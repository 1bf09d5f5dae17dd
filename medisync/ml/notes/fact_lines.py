"""Note lines written from the extracted insights (facts), never from guesses.

Every line states a fact the extractors found in the transcript: the chief
complaint, measured vitals, symptoms the patient endorsed or denied when
asked, diagnoses the clinician stated (with their ICD-10-CM code), and the
medications, orders and follow-up of the plan. Nothing is written for a fact
that was not found: no "denies chest pain" unless chest pain was discussed.
"""

from __future__ import annotations

from typing import Literal

from medisync.application.ports import Diagnosis, Insights, Medication, Symptom, Vitals

from .lines import NoteLine, mentioning
from .problems import drug_sentences, line_problem, naming
from .text import Sentence

_VITALS: tuple[tuple[Literal["heart_rate", "respiratory_rate", "temperature_c", "spo2", "weight_kg"], str], ...] = (
    ("heart_rate", "heart rate {} bpm"), ("respiratory_rate", "respiratory rate {}/min"),
    ("temperature_c", "temperature {} °C"), ("spo2", "SpO2 {}%"), ("weight_kg", "weight {} kg"),
)
_MED_VERB = {"new": "Start", "changed": "Change", "stopped": "Stop", "active": "Continue"}


def _line(kind: str, text: str, sentences: list[Sentence], phrase: str | None,
          focus: dict[int, str] | None = None, named: list[Sentence] | None = None) -> NoteLine:
    """``focus`` given: the line is grouped under the one problem every sentence naming ``phrase``
    (or ``named``) is about."""
    problem = None
    if focus is not None and phrase:
        problem = line_problem(named if named is not None else naming(sentences, phrase), focus)
    return NoteLine(kind, text, mentioning(sentences, phrase), "facts", problem)


def vitals_line(vitals: Vitals, sentences: list[Sentence]) -> list[NoteLine]:
    parts = []
    if vitals.get("bp_systolic") and vitals.get("bp_diastolic"):
        parts.append(f"blood pressure {vitals['bp_systolic']}/{vitals['bp_diastolic']} mmHg")
    parts += [fmt.format(vitals[key]) for key, fmt in _VITALS if vitals.get(key) is not None]
    if not parts:
        return []
    clinician = [s for s in sentences if s.role == "clinician"]
    text = "Vitals: " + ", ".join(parts) + "."
    return [NoteLine("vitals", text, mentioning(clinician, "blood pressure") or
                     mentioning(clinician, parts[0].split()[0]), "facts")]


def _symptom_phrase(s: Symptom) -> str:
    return s["name"] + (f" ({s['duration']})" if s.get("duration") else "")


def ros_lines(symptoms: list[Symptom], sentences: list[Sentence]) -> list[NoteLine]:
    certain = [s for s in symptoms if s.get("certainty") != "uncertain"]
    present = [s for s in certain if s.get("present")]
    absent = [s for s in certain if not s.get("present")]
    uncertain = [s for s in symptoms if s.get("certainty") == "uncertain"]
    out = []
    for label, group, fmt in (("Endorses", present, _symptom_phrase), ("Denies", absent, lambda s: s["name"]),
                              ("Possibly", uncertain, lambda s: s["name"])):
        if group:
            ids = tuple(sorted({i for s in group for i in mentioning(sentences, s["name"], 1)}))
            text = f"{label} " + ", ".join(fmt(s) for s in group) + "."
            out.append(NoteLine("ros", text, ids, "facts"))
    return out


def assessment_lines(diagnoses: list[Diagnosis], sentences: list[Sentence]) -> list[NoteLine]:
    out = []
    for d in diagnoses:
        code = f" (ICD-10-CM {d['icd10']})" if d.get("icd10") else ""
        name = str(d["name"])
        line = _line("assessment", name[:1].upper() + name[1:] + code + ".", sentences, name)
        out.append(NoteLine(line.kind, line.text, line.segment_ids, line.origin, str(d.get("icd10") or "")[:3] or None))
    return out


def _regimen(m: Medication) -> str:
    return " ".join(str(v) for v in (m.get("dose"), m.get("frequency")) if v)


def plan_lines(insights: Insights, sentences: list[Sentence], focus: dict[int, str] | None = None) -> list[NoteLine]:
    out = []
    by_drug = drug_sentences(sentences) if focus is not None else {}
    for m in insights.get("medications") or []:
        if m.get("source", "plan") != "plan":
            continue  # taken or named, never decided by the clinician: history, not plan
        verb = _MED_VERB.get(str(m.get("status")), "Continue")
        regimen = "" if verb == "Stop" else _regimen(m)
        joiner = " to " if verb == "Change" and regimen else " "
        out.append(_line("plan", f"{verb} {m['name']}{joiner}{regimen}".strip() + ".", sentences, m["name"], focus,
                         by_drug.get(m["name"])))
    for o in insights.get("orders") or []:
        label = "Referral to" if o.get("kind") == "referral" else "Order"
        out.append(_line("plan", f"{label} {o['name']}.", sentences, o["name"], focus))
    if insights.get("follow_up"):
        out.append(_line("plan", f"Follow up in {insights['follow_up']}.", sentences, "back"))
    return out


def medication_history(medications: list[Medication], sentences: list[Sentence]) -> list[NoteLine]:
    """What the patient takes or stopped by their own account (``source: reported``): the history, never
    a plan line; a drug only named ("the dexamethasone test") is not written."""
    out = []
    for label, status in (("Reports taking ", "active"), ("Reports stopping ", "stopped")):
        group = [m for m in medications if m.get("source") == "reported" and m.get("status") == status]
        if group:
            text = label + ", ".join(f"{m['name']} {_regimen(m)}".strip() for m in group) + "."
            ids = tuple(sorted({i for m in group for i in mentioning(sentences, m["name"], 1)}))
            out.append(NoteLine("hpi", text, ids, "facts"))
    return out


def history_lines(insights: Insights, sentences: list[Sentence]) -> list[NoteLine]:
    out = []
    if insights.get("chief_complaint"):
        cc = str(insights["chief_complaint"])
        out.append(_line("cc", cc[:1].upper() + cc[1:] + ".", sentences, cc))
    out += medication_history(insights.get("medications") or [], sentences)
    allergies = insights.get("allergies") or []
    if allergies:
        items = [a["substance"] + (f" ({a['reaction']})" if a.get("reaction") else "") for a in allergies]
        ids = tuple(sorted({i for a in allergies for i in mentioning(sentences, a["substance"], 1)}))
        out.append(NoteLine("hpi", "Allergies: " + ", ".join(items) + ".", ids, "facts"))
    return out


def fact_lines(insights: Insights, sentences: list[Sentence], focus: dict[int, str] | None = None) -> list[NoteLine]:
    return [*history_lines(insights, sentences), *ros_lines(insights.get("symptoms") or [], sentences),
            *vitals_line(insights.get("vitals") or {}, sentences),
            *assessment_lines(insights.get("diagnoses") or [], sentences),
            *plan_lines(insights, sentences, focus)]
