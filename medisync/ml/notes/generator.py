"""``ExtractiveNoteGenerator``: an offline note drafter.

It implements the ``NoteGenerator`` port (``medisync.application.ports``):
``generate(transcript, template="soap") -> {subjective, objective, assessment,
plan, template, sections: [{key, title, text, lines}], text, insights,
provenance}``. Facts come from rules and sourced lexicons; which sentences
become note prose is decided by a small linear model learned on ACI-Bench
train (``section_model.py``). No model is loaded at import time.
"""

from __future__ import annotations

from typing import cast

from medisync.application.ports import Insights, NoteDraft, Provenance, SoapText, TranscriptText, Vitals

from .assessment import extract_diagnoses, extract_follow_up, extract_orders
from .compose import EMPTY, chief_complaint, contested_sides_dropped
from .patient_reason import opening_statement, patient_reason
from .draft import DraftSection, assemble, draft_lines, render
from .medications import extract_allergies, extract_medications
from .review import allergy_conflicts, extract_needs_review
from .side_effects import side_effects_of_taken_drugs
from .uncertain_allergy import uncertain_allergies
from .spoken_for import mark_visit_about_a_child
from .symptoms import extract_symptoms, find_mentions
from .templates import NoteTemplate, get_template
from .text import Sentence, Turn, build_turns
from .visit_reason import visit_reason
from .vitals import VITAL_KEYS, extract_vitals

GENERATOR_VERSION = "2.0.0"
MODEL = "rules+lexicons + section model (logistic regression, ACI-Bench train)"


def empty_insights() -> Insights:
    return {
        "chief_complaint": None,
        "symptoms": [],
        "vitals": cast(Vitals, dict.fromkeys(VITAL_KEYS)),
        "medications": [],
        "allergies": [],
        "diagnoses": [],
        "orders": [],
        "follow_up": None,
    }


class ExtractiveNoteGenerator:
    """Drafts a note from a speaker-attributed (ASR) transcript into a template.

    >>> note = ExtractiveNoteGenerator().generate({"segments": [], "text": ""})
    >>> note["insights"]["symptoms"]
    []
    """

    name = "extractive"
    version = GENERATOR_VERSION

    def provenance(self) -> Provenance:
        return {"generator": self.name, "generator_version": self.version, "model": MODEL}

    def extract(self, transcript: TranscriptText) -> Insights:
        """Only the ``insights`` block."""
        return self._insights(build_turns(transcript or {}))

    def generate(self, transcript: TranscriptText, template: "str | NoteTemplate | None" = None) -> NoteDraft:
        chosen = get_template(template)
        turns = build_turns(transcript or {})
        insights = self._insights(turns)
        # what was heard but not clearly named is never written into the note's text
        lines = draft_lines(turns, insights, held_for_review(insights))  # drafted once, arranged per template
        sections = assemble(chosen, lines)
        soap = assemble(get_template("soap"), lines)
        return {**_soap_fields(soap), "template": chosen.id,
                "sections": [s.as_dict() for s in sections],
                "text": render(sections),
                "insights": insights, "provenance": self.provenance()}

    # ------------------------------------------------------------------ internals
    def _insights(self, turns: list[Turn]) -> Insights:
        insights = empty_insights()
        if not turns:
            return insights
        mark_visit_about_a_child(turns, find_mentions)
        sentences = [s for t in turns for s in t.sentences]
        allergies, reactions, _denied = extract_allergies(turns)
        symptoms = extract_symptoms(turns, reactions)  # a drug's reaction is no current symptom (D131)
        allergies, excluded, side_effects = side_effects_of_taken_drugs(turns, allergies, reactions)
        allergies, doubted = uncertain_allergies(turns, allergies, excluded)
        medications, conflicts = allergy_conflicts(turns, extract_medications(turns, excluded), allergies)
        insights["needs_review"] = extract_needs_review(turns, excluded) + side_effects + doubted + conflicts
        insights.update({
            "symptoms": symptoms, "vitals": extract_vitals(sentences)[0],
            "medications": medications, "allergies": allergies,
            "diagnoses": extract_diagnoses(turns)[0], "orders": extract_orders(turns)[0],
            "follow_up": extract_follow_up(turns)[0],
        })
        insights["chief_complaint"] = _chief_complaint(turns, sentences, insights)
        return insights


def held_for_review(insights: Insights) -> set[int]:
    """The sentences holding a ``needs_review`` item: never quoted, never read as the visit's reason."""
    return {int(item["sentence_index"]) for item in insights.get("needs_review") or []
            if item.get("sentence_index") is not None}


def _chief_complaint(turns: list[Turn], sentences: list[Sentence], insights: Insights) -> str | None:
    """The reason a clinician states for the visit; else one composed from the symptoms first named."""
    stated = visit_reason(sentences, held_for_review(insights)) or opening_statement(turns, held_for_review(insights))
    if stated:
        return contested_sides_dropped(stated, turns)
    first_sentence: dict[str, int] = {}
    for s in sentences:
        if s.role != "clinician":
            for m in find_mentions(s):
                first_sentence.setdefault(m.name, s.index)
    told = patient_reason(turns, held_for_review(insights))
    return chief_complaint(turns, insights["symptoms"], insights["diagnoses"], first_sentence, told)


def _soap_fields(soap: list[DraftSection]) -> SoapText:
    """The four SOAP fields every note version carries (EMPTY text where nothing was found)."""
    by_key = {s.key: s.text for s in soap}
    return {"subjective": by_key.get("subjective") or EMPTY["subjective"],
            "objective": by_key.get("objective") or EMPTY["objective"],
            "assessment": by_key.get("assessment") or EMPTY["assessment"],
            "plan": by_key.get("plan") or EMPTY["plan"]}
