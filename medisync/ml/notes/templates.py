"""Note templates as data: a template is an ordered list of sections, and each
section names the *content kinds* the offline generator writes into it.

Built-ins live in ``data/templates.json``; specialty or practice templates are
just more entries of the same shape (``NoteTemplate.from_dict``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

#: what the offline generator knows how to write, in note order
CONTENT_KINDS = ("cc", "hpi", "ros", "vitals", "exam", "results", "assessment", "plan")
DEFAULT_TEMPLATE = "soap"


class UnknownTemplateError(ValueError):
    """The template id names no built-in template."""


@dataclass(frozen=True)
class TemplateSection:
    key: str
    title: str
    content: tuple[str, ...]
    guidance: str = ""


@dataclass(frozen=True)
class NoteTemplate:
    id: str
    name: str
    specialty: str
    loinc_code: str
    sections: tuple[TemplateSection, ...]

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "NoteTemplate":
        sections = []
        for s in raw["sections"]:
            kinds = tuple(k for k in s.get("content", ()) if k in CONTENT_KINDS)
            sections.append(TemplateSection(str(s["key"]), str(s["title"]), kinds,
                                            str(s.get("guidance") or "")))
        return cls(str(raw["id"]), str(raw["name"]), str(raw.get("specialty") or "general"),
                   str(raw.get("loinc_code") or "11506-3"), tuple(sections))

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "specialty": self.specialty,
                "loinc_code": self.loinc_code,
                "sections": [{"key": s.key, "title": s.title} for s in self.sections]}


@lru_cache(maxsize=1)
def builtin_templates() -> dict[str, NoteTemplate]:
    raw = json.loads(resources.files(__package__).joinpath("data/templates.json").read_text("utf-8"))
    return {t["id"]: NoteTemplate.from_dict(t) for t in raw["templates"]}


def get_template(template_id: str | None) -> NoteTemplate:
    templates = builtin_templates()
    key = template_id or DEFAULT_TEMPLATE
    if key not in templates:
        raise UnknownTemplateError(f"unknown note template {key!r}; built-in: {', '.join(sorted(templates))}")
    return templates[key]
