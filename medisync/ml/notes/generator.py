"""``ExtractiveNoteGenerator``: an offline, rule- and lexicon-based SOAP drafter.

It implements the ``NoteGenerator`` port (``medisync.application.ports``):
``generate(transcript) -> {subjective, objective, assessment, plan, insights,
provenance}``.  No model is loaded; lexicons are read lazily on first use.
"""

from __future__ import annotations

from typing import Any

from .assessment import extract_diagnoses, extract_follow_up, extract_orders
from .compose import EMPTY, chief_complaint, compose
from .medications import extract_allergies, extract_medications
from .symptoms import extract_symptoms, find_mentions
from .text import build_turns
from .vitals import VITAL_KEYS, extract_vitals

GENERATOR_VERSION = "1.0.0"
MODEL = "rules+lexicons/v1 (no ML model)"


def empty_insights() -> dict[str, Any]:
    return {
        "chief_complaint": None,
        "symptoms": [],
        "vitals": {k: None for k in VITAL_KEYS},
        "medications": [],
        "allergies": [],
        "diagnoses": [],
        "orders": [],
        "follow_up": None,
    }


class ExtractiveNoteGenerator:
    """Drafts a SOAP note from a speaker-attributed (ASR) transcript.

    >>> note = ExtractiveNoteGenerator().generate({"segments": [], "text": ""})
    >>> note["insights"]["symptoms"]
    []
    """

    name = "extractive"
    version = GENERATOR_VERSION

    def provenance(self) -> dict[str, Any]:
        return {"generator": self.name, "generator_version": self.version, "model": MODEL}

    def extract(self, transcript: dict[str, Any]) -> dict[str, Any]:
        """Only the ``insights`` block."""
        return self._run(transcript)[0]

    def generate(self, transcript: dict[str, Any]) -> dict[str, Any]:
        insights, sections = self._run(transcript)
        return {**sections, "insights": insights, "provenance": self.provenance()}

    # ------------------------------------------------------------------ internals
    def _run(self, transcript: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        turns = build_turns(transcript or {})
        insights = empty_insights()
        if not turns:
            return insights, dict(EMPTY)
        sentences = [s for t in turns for s in t.sentences]
        allergies, excluded, denied = extract_allergies(turns)
        medications = extract_medications(turns, excluded)
        symptoms = extract_symptoms(turns)
        vitals, vit_sents = extract_vitals(sentences)
        diagnoses, dx_sents = extract_diagnoses(turns)
        orders, order_sents = extract_orders(turns)
        follow_up, fu_sent = extract_follow_up(turns)
        first_sentence: dict[str, int] = {}
        for s in sentences:
            if s.role == "clinician":
                continue
            for m in find_mentions(s):
                first_sentence.setdefault(m.name, s.index)
        insights.update(
            symptoms=symptoms, vitals=vitals, medications=medications, allergies=allergies,
            diagnoses=diagnoses, orders=orders, follow_up=follow_up,
        )
        insights["chief_complaint"] = chief_complaint(turns, symptoms, diagnoses, first_sentence)
        has_facts = any([symptoms, medications, allergies, diagnoses, orders, follow_up,
                         insights["chief_complaint"], any(v is not None for v in vitals.values())])
        if not has_facts:
            return insights, dict(EMPTY)
        used = {s.index for s in [*vit_sents, *dx_sents, *order_sents]} | ({fu_sent.index} if fu_sent else set())
        sections = compose(turns, insights, used, denied, dx_sents)
        return insights, sections
