"""Read model: ``note_templates`` (current definition), ``note_template_versions``
(every version) and ``template_defaults`` (the practice's and each doctor's)."""

from __future__ import annotations

from medisync.domain.note_template import NoteTemplate, TemplateDefinition
from medisync.domain.template_defaults import TemplateDefaults
from medisync.projections.base import ReadModelProjection, oid, stamp
from medisync.projections.changes import ViewChange, delete, insert, update


def _definition(definition: TemplateDefinition) -> TemplateDefinition:
    return {"name": definition["name"], "specialty": definition["specialty"],
            "loinc_code": definition["loinc_code"], "sections": definition["sections"]}


def _version_row(e: NoteTemplate.Defined | NoteTemplate.Revised, template_version: int) -> ViewChange:
    return insert("note_template_versions", template_id=oid(e), template_version=template_version,
                  definition=e.definition, author_id=e.actor.get("user_id"), created_at=e.timestamp)


def _defined(e: NoteTemplate.Defined) -> list[ViewChange]:
    return [insert("note_templates", id=oid(e), practice_id=e.practice_id, **_definition(e.definition),
                   template_version=1, deleted=False, created_at=e.timestamp, **stamp(e)),
            _version_row(e, 1)]


def _revised(e: NoteTemplate.Revised) -> list[ViewChange]:
    return [update("note_templates", {"id": oid(e)}, **_definition(e.definition),
                   template_version=e.template_version, **stamp(e)),
            _version_row(e, e.template_version)]


def _deleted(e: NoteTemplate.Deleted) -> list[ViewChange]:
    return [update("note_templates", {"id": oid(e)}, deleted=True, **stamp(e))]


def _default_chosen(e: TemplateDefaults.DefaultChosen) -> list[ViewChange]:
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
