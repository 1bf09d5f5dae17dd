"""Symptom synonyms sourced from the Human Phenotype Ontology (hpo.py, D64)."""

from __future__ import annotations

import json
from importlib import resources

from medisync.ml.notes.hpo import hpo_release, hpo_terms, linked_synonyms
from medisync.ml.notes.lexicon import _hpo_forms
from medisync.ml.notes.symptoms import extract_symptoms
from medisync.ml.notes.text import build_turns
from medisync.ml.notes.transcript_io import parse_dialogue_text


def _curated() -> list[dict]:
    return json.loads(resources.files("medisync.ml.notes").joinpath("data/symptoms.json").read_text())["symptoms"]


def test_the_ontology_ships_with_the_install() -> None:
    assert len(hpo_terms()) > 15000
    assert (hpo_release() or "").startswith("hp/releases/")


def test_concepts_gain_the_ontology_forms_linked_by_their_name_only() -> None:
    gained = _hpo_forms(_curated())
    assert "watery stool" in gained["diarrhea"] and "dyspnoea" in gained["shortness of breath"]
    # a diagnosis is not a symptom's synonym, however the ontology files it
    assert not any("gastroesophageal reflux disease" == f for forms in gained.values() for f in forms)
    # a form two concepts would gain is given to neither
    both = linked_synonyms({"shortness of breath": [], "dyspnea": []})
    assert "breathing difficulty" not in both.get("shortness of breath", [])


def test_a_sourced_form_is_read_as_the_concept_with_its_negation() -> None:
    turns = build_turns(parse_dialogue_text(
        "[doctor] any problems with your bowels ?\n"
        "[patient] i have had watery stool since monday , but no emesis ."))
    found = {s["name"]: s["present"] for s in extract_symptoms(turns)}
    assert found.get("diarrhea") is True
    assert found.get("vomiting") is False
