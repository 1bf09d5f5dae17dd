"""Queries: the note templates a practice may draft into, and its defaults."""

from __future__ import annotations

from typing import Protocol

from medisync.application.access import CLINICAL_STAFF, require_role
from medisync.application.principal import Principal
from medisync.application.queries.reads import NoteTemplateReads
from medisync.application.queries.rows import NoteTemplateRow, TemplateDefaultsView, TemplateView
from medisync.domain.errors import NotFoundError
from medisync.domain.note_template import TemplateDescription

Templates = list[TemplateView]  # (``list`` is a method's name inside the class)


class BuiltinTemplates(Protocol):
    def describe_builtins(self) -> list[TemplateDescription]: ...


class NoteTemplateQueries:
    def __init__(self, reads: NoteTemplateReads, builtins: BuiltinTemplates) -> None:
        self.reads = reads
        self.builtins = builtins

    def list(self, principal: Principal) -> Templates:
        """The built-ins first, then the practice's own (live ones) by name."""
        require_role(principal, CLINICAL_STAFF, "read note templates")
        own = self.reads.note_templates(principal.practice_id)
        return [*self._builtins(), *(_own(row) for row in own if not row["deleted"])]

    def get(self, principal: Principal, template_id: str) -> TemplateView:
        """One template; a practice template with every version."""
        require_role(principal, CLINICAL_STAFF, "read note templates")
        builtin = next((t for t in self._builtins() if t["id"] == template_id), None)
        if builtin is not None:
            return builtin
        row = self.reads.get_note_template(template_id)
        if row is None or str(row["practice_id"]) != principal.practice_id or row["deleted"]:
            raise NotFoundError("template not found")
        return {**row, "builtin": False, "versions": self.reads.note_template_versions(template_id)}

    def defaults(self, principal: Principal) -> TemplateDefaultsView:
        require_role(principal, CLINICAL_STAFF, "read default note templates")
        rows = self.reads.template_defaults(principal.practice_id)
        return {"practice": next((r["template_id"] for r in rows if not r["doctor_id"]), None),
                "doctors": {r["doctor_id"]: r["template_id"] for r in rows if r["doctor_id"]}}

    def document_types(self, principal: Principal) -> dict[str, tuple[str, str]]:
        """Template id -> (LOINC document type, template name), deleted templates included
        (notes drafted with them keep their type)."""
        require_role(principal, CLINICAL_STAFF, "read note templates")
        own = self.reads.note_templates(principal.practice_id)
        return {**{t["id"]: (t["loinc_code"], t["name"]) for t in self.builtins.describe_builtins()},
                **{str(r["id"]): (r["loinc_code"], r["name"]) for r in own}}

    def _builtins(self) -> Templates:
        return [{**t, "builtin": True, "template_version": None} for t in self.builtins.describe_builtins()]


def _own(row: NoteTemplateRow) -> TemplateView:
    return {**row, "builtin": False}
