"""NoteTemplate, TemplateDefaults and NoteDocument rules (issue 17, D46-D48), with no I/O."""

from __future__ import annotations

from typing import Any

import pytest

from medisync.domain.errors import InvalidTransitionError, ValidationError
from medisync.domain.note_document import NoteDocument
from medisync.domain.note_template import NoteTemplate
from medisync.domain.template_defaults import TemplateDefaults

ACTOR = {"user_id": "u-1", "practice_id": "p-1", "request_id": ""}
DEFINITION = {"name": "Knee clinic", "specialty": "orthopaedics",
              "sections": [{"title": "Reason for visit"}, {"title": "Knee exam", "guidance": "effusion, range"}]}


def names(aggregate: Any) -> list[str]:
    return [type(e).__qualname__ for e in aggregate.collect_events()]


def test_a_revision_is_a_new_version_and_the_old_one_is_kept() -> None:
    template = NoteTemplate.define("p-1", DEFINITION, ACTOR)
    assert template.template_version == 1
    assert [s["key"] for s in template.current["sections"]] == ["reason_for_visit", "knee_exam"]
    assert template.current["loinc_code"] == "11506-3"  # Progress note unless the admin says otherwise
    assert template.revise({"name": "Knee clinic"}, ACTOR) is False  # nothing changed: no event
    assert template.revise({"sections": [{"title": "Plan"}]}, ACTOR) is True
    assert template.template_version == 2 and template.versions[0]["sections"][1]["key"] == "knee_exam"
    assert names(template) == ["NoteTemplate.Defined", "NoteTemplate.Revised"]
    template.delete(ACTOR)
    with pytest.raises(InvalidTransitionError):
        template.revise({"name": "Again"}, ACTOR)


@pytest.mark.parametrize("sections", [[], [{"title": "A", "key": "a"}, {"title": "B", "key": "a"}],
                                      [{"title": "A", "key": "A b"}]])
def test_a_template_needs_sections_with_unique_valid_keys(sections: list[dict[str, str]]) -> None:
    with pytest.raises(ValidationError):
        NoteTemplate.define("p-1", {**DEFINITION, "sections": sections}, ACTOR)


def test_a_doctors_default_comes_before_the_practices() -> None:
    defaults = TemplateDefaults(practice_id="p-1", actor=ACTOR)
    assert defaults.candidates("doc-1") == []
    assert defaults.choose(None, "hp", ACTOR) and defaults.choose("doc-1", "tpl-9", ACTOR)
    assert defaults.candidates("doc-1") == ["tpl-9", "hp"] and defaults.candidates("doc-2") == ["hp"]
    assert defaults.choose("doc-1", "tpl-9", ACTOR) is False  # unchanged: no event
    defaults.choose("doc-1", None, ACTOR)
    assert defaults.candidates("doc-1") == ["hp"]
    assert TemplateDefaults.create_id("p-1") == TemplateDefaults.create_id("p-1") != TemplateDefaults.create_id("p-2")


def _letter(kind: str = "referral") -> NoteDocument:
    return NoteDocument.generate(practice_id="p-1", appointment_id="ap-1", patient_id="pat-1", doctor_id="doc-1",
                                 note_id="n-1", note_version=2, note_signed=True, kind=kind,
                                 phi={"text": "Dear Dr X,", "recipient": "Dr X"}, reading_grade=None, actor=ACTOR)


def test_a_sent_document_is_not_edited() -> None:
    letter = _letter()
    assert letter.edit("Dear Dr X,", None, ACTOR) is False  # same text: no event
    assert letter.edit("Dear Dr X, thank you.", None, ACTOR) is True
    letter.send("fax", ACTOR)
    assert names(letter) == ["NoteDocument.Generated", "NoteDocument.Edited", "NoteDocument.Sent"]
    with pytest.raises(InvalidTransitionError):
        letter.edit("Changed after sending", None, ACTOR)
    with pytest.raises(ValidationError):
        letter.send("pigeon", ACTOR)
    with pytest.raises(ValidationError):
        _letter("poem")
