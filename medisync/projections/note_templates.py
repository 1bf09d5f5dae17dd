"""Read model: ``note_templates`` (current definition), ``note_template_versions``
(every version) and ``template_defaults`` (the practice's and each doctor's)."""

from __future__ import annotations

from typing import Any

from medisync.domain.note_template import NoteTemplate
from medisync.domain.template_defaults import TemplateDefaults
from medisync.projections.base import ReadModelProjection, oid, stamp
from medisync.projections.changes import ViewChange, delete, insert, update


def _definition(definition: dict[str, Any]) -> dict[str, Any]:
    return {key: definition[key] for key in ("name", "specialty", "loinc_code", "sections")}


def _version_row(e: Any, template_version: int) -> ViewChange:
    return insert("note_template_versions", template_id=oid(e), template_version=template_version,
                  definition=e.definition, author_id=e.actor.get("user_id"), created_at=e.timestamp)


def _defined(e: Any) -> list[ViewChange]:
    return [insert("note_templates", id=oid(e), practice_id=e.practice_id, **_definition(e.definition),
                   template_version=1, deleted=False, created_at=e.timestamp, **stamp(e)),
            _version_row(e, 1)]


def _revised(e: Any) -> list[ViewChange]:
    return [update("note_templates", {"id": oid(e)}, **_definition(e.definition),
                   template_version=e.template_version, **stamp(e)),
            _version_row(e, e.template_version)]


def _deleted(e: Any) -> list[ViewChange]:
    return [update("note_templates", {"id": oid(e)}, deleted=True, **stamp(e))]


def _default_chosen(e: Any) -> list[ViewChange]:
    practice_id = e.actor.get("practice_id")
    doctor = e.doctor_id or ""
    if e.template_id is None:
        return [delete("template_defaults", practice_id=practice_id, doctor_id=doctor)]
    return [insert("template_defaults", practice_id=practice_id, doctor_id=doctor,
                   template_id=e.template_id, updated_at=e.timestamp)]


class NoteTemplatesProjection(ReadModelProjection):
    name = "note_templates"
    tables = ("note_templates", "note_template_versions", "template_defaults")
    handlers = {
        NoteTemplate.Defined: _defined,
        NoteTemplate.Revised: _revised,
        NoteTemplate.Deleted: _deleted,
        TemplateDefaults.DefaultChosen: _default_chosen,
    }
