"""Use cases: a practice's note templates, its default template and each doctor's,
and which template (and template version) a draft is made with (D46, D47).

The built-ins and turning a definition into what the generator takes belong to
the ML package; the application sees them through the ``TemplateCatalog`` port.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from medisync.application.access import NOTE_WRITERS, TEMPLATE_ADMINS, require_role
from medisync.application.app import MediSyncApplication, retry_on_conflict
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.actor import Actor
from medisync.domain.errors import NotFoundError
from medisync.domain.note_content import NoteDraft, Provenance
from medisync.domain.note_template import DefinitionDraft, NoteTemplate, TemplateDefinition, TemplateDescription
from medisync.domain.template_defaults import TemplateDefaults
from medisync.domain.user import User

BUILTIN_DEFAULT = "soap"


class TemplateCatalog(Protocol):
    """The built-in templates, and a practice definition as the generator's template."""

    def builtin_ids(self) -> tuple[str, ...]: ...

    def describe_builtins(self) -> list[TemplateDescription]: ...

    def compile(self, template_id: str, definition: TemplateDefinition) -> object: ...


@dataclass(frozen=True)
class TemplateChoice:
    """What to draft into: ``template`` is a built-in id or a compiled practice template."""

    id: str
    version: int | None  # a practice template's version; None for a built-in (versioned with the generator)
    template: object  # what NoteGenerator.generate takes as its template

    def stamp(self, draft: NoteDraft) -> NoteDraft:
        """The draft, its provenance naming the template version it was drafted with."""
        provenance: Provenance = {**(draft.get("provenance") or {}), "template": self.id,
                                  "template_version": self.version}
        return {**draft, "template": draft.get("template") or self.id, "provenance": provenance}


class NoteTemplateService:
    def __init__(self, app: MediSyncApplication, catalog: TemplateCatalog) -> None:
        self.app = app
        self.catalog = catalog

    def define(self, principal: Principal, definition: DefinitionDraft) -> CommandResult:
        require_role(principal, TEMPLATE_ADMINS, "define note templates")
        template = NoteTemplate.define(principal.practice_id, definition, principal.actor())
        return CommandResult(str(template.id), self.app.commit(template))

    def revise(self, principal: Principal, template_id: str, changes: DefinitionDraft) -> CommandResult:
        require_role(principal, TEMPLATE_ADMINS, "change note templates")

        def command() -> CommandResult:
            template = self._load(principal.practice_id, template_id)
            changed = template.revise(changes, principal.actor())
            return CommandResult(template_id, self.app.commit(template) if changed else None, created=False)
        return retry_on_conflict(command)

    def delete(self, principal: Principal, template_id: str) -> CommandResult:
        require_role(principal, TEMPLATE_ADMINS, "delete note templates")
        template = self._load(principal.practice_id, template_id)
        template.delete(principal.actor())
        return CommandResult(template_id, self.app.commit(template), created=False)

    def choose_default(self, principal: Principal, doctor_id: str | None,
                       template_id: str | None) -> CommandResult:
        """An admin sets the practice's default or any doctor's; a doctor sets their own."""
        require_role(principal, NOTE_WRITERS, "choose default note templates")
        if principal.is_doctor:
            if doctor_id not in (None, principal.user_id):
                raise NotFoundError("doctor not found")
            doctor_id = principal.user_id
        elif doctor_id is not None:
            self._require_doctor(principal.practice_id, doctor_id)
        if template_id is not None:
            self.resolve(principal.practice_id, template_id)

        def command() -> CommandResult:
            defaults = self._defaults(principal.practice_id, principal.actor())
            changed = defaults.choose(doctor_id, template_id, principal.actor())
            return CommandResult(str(defaults.id), self.app.commit(defaults) if changed else None,
                                 created=False)
        return retry_on_conflict(command)

    def resolve(self, practice_id: str, template_id: str) -> TemplateChoice:
        """A built-in, or the practice's own (another practice's or a deleted one is not found)."""
        if template_id in self.catalog.builtin_ids():
            return TemplateChoice(template_id, None, template_id)
        template = self._load(practice_id, template_id)
        return TemplateChoice(template_id, template.template_version,
                              self.catalog.compile(template_id, template.current))

    def default_for(self, practice_id: str, doctor_id: str | None) -> TemplateChoice:
        """The doctor's default, else the practice's, else ``soap`` (a deleted one is skipped)."""
        defaults_id = TemplateDefaults.create_id(practice_id)
        candidates = (self.app.load(defaults_id, "defaults", TemplateDefaults).candidates(doctor_id)
                      if self.app.exists(defaults_id) else [])
        for template_id in candidates:
            try:
                return self.resolve(practice_id, template_id)
            except NotFoundError:
                continue
        return TemplateChoice(BUILTIN_DEFAULT, None, BUILTIN_DEFAULT)

    def _load(self, practice_id: str, template_id: str) -> NoteTemplate:
        template = self.app.load(template_id, "template", NoteTemplate)
        if template.practice_id != practice_id or template.deleted:
            raise NotFoundError("template not found")
        return template

    def _defaults(self, practice_id: str, actor: Actor) -> TemplateDefaults:
        defaults_id = TemplateDefaults.create_id(practice_id)
        if self.app.exists(defaults_id):
            return self.app.load(defaults_id, "defaults", TemplateDefaults)
        return TemplateDefaults(practice_id=practice_id, actor=actor)

    def _require_doctor(self, practice_id: str, doctor_id: str) -> None:
        user = self.app.load(doctor_id, "doctor", User)
        if user.practice_id != practice_id or user.role != "doctor":
            raise NotFoundError("doctor not found")
