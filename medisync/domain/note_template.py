"""NoteTemplate: a practice's own note template, every version kept.

An admin defines a template (name, specialty, the LOINC document type its
Composition carries, ordered sections with a title and optional guidance for
the generator); each revision is a new version and a note drafted with it
records the version it was drafted with (D46). A template holds no patient
data, so its events carry no ``phi``.
"""

from __future__ import annotations

import re
from typing import NotRequired, TypedDict

from eventsourcing.domain import Aggregate, event

from medisync.domain.actor import Actor
from medisync.domain.errors import InvalidTransitionError, ValidationError

MAX_SECTIONS = 30
DEFINITION_FIELDS = ("name", "specialty", "loinc_code", "sections")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


class TemplateSection(TypedDict):
    key: str
    title: str
    guidance: str


class TemplateDefinition(TypedDict):
    """A template version as stored (D46)."""

    name: str
    specialty: str
    loinc_code: str
    sections: list[TemplateSection]


class TemplateDescription(TemplateDefinition):
    """A template with its id: a built-in's is its name (``soap``), a practice's its UUID."""

    id: str


class SectionDraft(TypedDict):
    title: str
    key: NotRequired[str | None]
    guidance: NotRequired[str | None]


class DefinitionDraft(TypedDict, total=False):
    """A definition as an admin sends it (``name`` is required to define, not to revise)."""

    name: str
    specialty: str | None
    loinc_code: str | None
    sections: list[SectionDraft] | list[TemplateSection]


def section_key(title: str) -> str:
    """A section's key from its title ("Mental Status Exam" -> ``mental_status_exam``)."""
    key = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:50]
    return key if key[:1].isalpha() else f"s_{key}"[:50]


def checked_definition(raw: DefinitionDraft) -> TemplateDefinition:
    """The definition as stored: sections keyed, keys unique, at least one section.

    A key derived from a title that another section already has gets a suffix ("plan_2"); two
    keys given explicitly and equal are refused."""
    sections: list[TemplateSection] = []
    given = {named for s in raw.get("sections") or [] if (named := s.get("key"))}
    for section in raw.get("sections") or []:
        key = section.get("key") or _free_key(section_key(section["title"]), given | {s["key"] for s in sections})
        if not _KEY.match(key):
            raise ValidationError(f"section key {key!r} must be lower-case letters, digits and _",
                                  field="sections")
        sections.append({"key": key, "title": section["title"], "guidance": section.get("guidance") or ""})
    keys = [s["key"] for s in sections]
    if not sections or len(sections) > MAX_SECTIONS:
        raise ValidationError(f"a template has 1 to {MAX_SECTIONS} sections", field="sections")
    if len(set(keys)) != len(keys):
        raise ValidationError("section keys must be unique within a template", field="sections")
    return {"name": raw["name"], "specialty": raw.get("specialty") or "general",
            "loinc_code": raw.get("loinc_code") or "11506-3", "sections": sections}


def _free_key(key: str, taken: set[str]) -> str:
    suffix = 2
    found = key
    while found in taken:
        found = f"{key[:45]}_{suffix}"
        suffix += 1
    return found


class NoteTemplate(Aggregate):
    class Defined(Aggregate.Created):
        practice_id: str
        definition: TemplateDefinition
        actor: Actor

    @event(Defined)
    def __init__(self, practice_id: str, definition: TemplateDefinition, actor: Actor) -> None:
        self.practice_id = practice_id
        self.versions: list[TemplateDefinition] = [definition]
        self.deleted = False

    @classmethod
    def define(cls, practice_id: str, definition: DefinitionDraft, actor: Actor) -> "NoteTemplate":
        return cls(practice_id=practice_id, definition=checked_definition(definition), actor=actor)

    @property
    def current(self) -> TemplateDefinition:
        return self.versions[-1]

    @property
    def template_version(self) -> int:
        return len(self.versions)

    def revise(self, changes: DefinitionDraft, actor: Actor) -> bool:
        """A new version with ``changes`` over the current one; False if nothing changed."""
        self._refuse_if_deleted()
        definition = checked_definition({**self.current, **changes})
        if definition == self.current:
            return False
        self._revise(definition=definition, template_version=self.template_version + 1, actor=actor)
        return True

    class Revised(Aggregate.Event):
        definition: TemplateDefinition
        template_version: int
        actor: Actor

    @event(Revised)
    def _revise(self, definition: TemplateDefinition, template_version: int, actor: Actor) -> None:
        self.versions.append(definition)

    def delete(self, actor: Actor) -> None:
        self._refuse_if_deleted()
        self._delete(actor=actor)

    class Deleted(Aggregate.Event):
        actor: Actor

    @event(Deleted)
    def _delete(self, actor: Actor) -> None:
        self.deleted = True

    def _refuse_if_deleted(self) -> None:
        if self.deleted:
            raise InvalidTransitionError("the template is deleted")
