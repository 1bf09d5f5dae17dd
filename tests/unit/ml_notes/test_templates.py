"""Templates are data; the generator writes into their sections, in their order."""

from __future__ import annotations

import json

import pytest

from medisync.ml.notes import ExtractiveNoteGenerator
from medisync.ml.notes.templates import CONTENT_KINDS, NoteTemplate, UnknownTemplateError, builtin_templates, get_template
from tests.conftest import FIXTURES

HP_TITLES = ["CHIEF COMPLAINT", "HISTORY OF PRESENT ILLNESS", "REVIEW OF SYSTEMS", "PHYSICAL EXAMINATION",
             "RESULTS", "ASSESSMENT AND PLAN"]


def _visit() -> dict:
    truth = json.loads((FIXTURES / "dev-07-hypertension.truth.json").read_text())
    return {"segments": [{"speaker": t["speaker"], "role": t["role"], "text": t["text"],
                          "start": t["start"], "end": t["end"]} for t in truth["turns"]]}


def test_builtins_soap_default_and_hp() -> None:
    templates = builtin_templates()
    assert {"soap", "hp"} <= set(templates)
    assert get_template(None).id == "soap"
    assert [s.title for s in templates["hp"].sections] == HP_TITLES
    assert all(set(s.content) <= set(CONTENT_KINDS) for t in templates.values() for s in t.sections)
    with pytest.raises(UnknownTemplateError):
        get_template("limerick")


def test_a_new_template_is_just_data() -> None:
    custom = NoteTemplate.from_dict({"id": "brief", "name": "Brief", "sections": [
        {"key": "plan_only", "title": "PLAN", "content": ["plan", "not-a-kind"]}]})
    assert custom.sections[0].content == ("plan",) and custom.loinc_code == "11506-3"


@pytest.mark.parametrize("template", ["soap", "hp"])
def test_generator_writes_the_template_sections_in_order(template: str) -> None:
    note = ExtractiveNoteGenerator().generate(_visit(), template=template)
    spec = get_template(template)
    assert note["template"] == template
    assert [s["key"] for s in note["sections"]] == [s.key for s in spec.sections]
    assert all(s["title"] in note["text"] for s in note["sections"] if s["text"])
    assert all(note[key] for key in ("subjective", "objective", "assessment", "plan"))


def test_every_line_points_at_the_segments_it_came_from() -> None:
    visit = _visit()
    note = ExtractiveNoteGenerator().generate(visit, template="hp")
    lines = [line for s in note["sections"] for line in s["lines"]]
    spoken = [line for line in lines if line["origin"] == "transcript"]
    assert spoken and all(line["segment_ids"] for line in spoken)
    for line in spoken:
        heard = " ".join(visit["segments"][i]["text"].lower() for i in line["segment_ids"])
        words = [w.strip(".,").lower() for w in line["text"].split()]
        assert sum(w in heard for w in words) >= 0.6 * len(words), line


SPECIALTIES = ["psychiatry", "pediatrics", "musculoskeletal", "cardiology"]
DEV_VISITS = sorted(FIXTURES.glob("dev-*.truth.json"))


def _transcript(path) -> dict:
    truth = json.loads(path.read_text())
    return {"segments": [{"speaker": t["speaker"], "role": t["role"], "text": t["text"],
                          "start": t["start"], "end": t["end"]} for t in truth["turns"]]}


@pytest.mark.parametrize("template", ["soap", "hp", *SPECIALTIES])
@pytest.mark.parametrize("visit", DEV_VISITS, ids=lambda p: p.name.split(".")[0])
def test_every_builtin_drafts_every_dev_visit_in_order(template: str, visit) -> None:
    note = ExtractiveNoteGenerator().generate(_transcript(visit), template=template)
    spec = get_template(template)
    assert [s["key"] for s in note["sections"]] == [s.key for s in spec.sections]
    assert any(s["text"] for s in note["sections"])
    for section in note["sections"]:
        assert section["status"] == ("filled" if section["text"] else "empty")


def test_psychiatry_has_mental_status_and_risk_sections_filled_from_the_visit() -> None:
    note = ExtractiveNoteGenerator().generate(_transcript(FIXTURES / "extra" / "extra-03-depression.truth.json"),
                                              template="psychiatry")
    by_key = {s["key"]: s for s in note["sections"]}
    assert by_key["mental_status_examination"]["title"] == "MENTAL STATUS EXAMINATION"
    assert "suicidal" in by_key["risk_assessment"]["text"].lower()
    assert "Denies suicidal" in by_key["risk_assessment"]["text"]


def test_practice_sections_are_filled_by_title_and_guidance() -> None:
    custom = NoteTemplate.from_dict({"id": "p1", "name": "Our follow-up", "sections": [
        {"key": "story", "title": "Interval history"},
        {"key": "risk", "title": "Risk", "guidance": "suicidal ideation, self-harm"},
        {"key": "wellbeing", "title": "Wellbeing", "guidance": "hobbies and gardening"},
        {"key": "ap", "title": "Assessment and plan"}]})
    note = ExtractiveNoteGenerator().generate(_transcript(FIXTURES / "extra" / "extra-03-depression.truth.json"),
                                              template=custom)
    by_key = {s["key"]: s for s in note["sections"]}
    assert by_key["story"]["text"] and by_key["ap"]["text"] and "suicidal" in by_key["risk"]["text"].lower()
    assert by_key["wellbeing"] == {**by_key["wellbeing"], "text": "", "status": "empty"}
