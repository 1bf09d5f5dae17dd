"""Note templates as data: a template is an ordered list of sections, and each
section names the *content kinds* the offline generator writes into it.

Built-ins live in ``data/templates.json``; specialty or practice templates are
just more entries of the same shape (``NoteTemplate.from_dict``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from medisync.application.ports import TemplateDescription

#: what the offline generator knows how to write, in note order
CONTENT_KINDS = ("cc", "hpi", "ros", "vitals", "exam", "results", "assessment", "plan")
DEFAULT_TEMPLATE = "soap"


#: words in a practice section's title or guidance -> the content kinds it is filled with
#: whole words (a plural "s" allowed); a trailing "*" marks a stem ("diagnos*": diagnosis, diagnoses)
_KIND_WORDS = (
    (("chief complaint", "reason for visit", "presenting complaint", "reason for referral"), ("cc",)),
    (("review of systems", "ros", "symptom"), ("ros",)),
    (("history", "hpi", "subjective", "interval", "presenting", "story"), ("hpi",)),
    (("vital",), ("vitals",)),
    (("exam*", "objective", "mental status", "finding", "physical"), ("vitals", "exam")),
    (("result", "lab", "labs", "imaging", "data", "studies", "investigation", "test"), ("results",)),
    (("assessment", "impression", "diagnos*", "formulation"), ("assessment",)),
    (("plan", "recommendation", "treatment", "management", "disposition", "follow-up", "follow up",
      "medication", "order"), ("plan",)),
)


def _names(word: str, text: str) -> bool:
    pattern = re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word) + r"s?\b"
    return re.search(r"\b" + pattern, text) is not None


def infer_content(title: str, guidance: str = "") -> tuple[str, ...]:
    """Content kinds for a section a practice defined by title and guidance (first match of each kind)."""
    text = f" {title} {guidance} ".lower()
    kinds: list[str] = []
    for words, found in _KIND_WORDS:
        if any(_names(w, text) for w in words):
            kinds += [k for k in found if k not in kinds]
    return tuple(kinds)


_GUIDANCE_STOP = frozenset("about above after again against being below between both could during each "
                           "every from further having into other should their there these those through "
                           "under until which while would include including document describe note".split())


def guidance_keywords(guidance: str) -> tuple[str, ...]:
    """The content words of a section's guidance, used to pull matching lines into it."""
    words = re.findall(r"[a-z][a-z-]{4,}", guidance.lower())
    return tuple(dict.fromkeys(w for w in words if w not in _GUIDANCE_STOP))


class UnknownTemplateError(ValueError):
    """The template id names no built-in template."""


@dataclass(frozen=True)
class TemplateSection:
    key: str
    title: str
    content: tuple[str, ...]
    guidance: str = ""
    #: a line of any kind that names one of these is written in this section instead
    keywords: tuple[str, ...] = ()
    #: lines grouped under the coded problem they belong to (``"arrange": "by_problem"``); the default
    #: for a section that holds both the assessment and the plan
    by_problem: bool = False


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
            declared = s.get("content")
            kinds = tuple(k for k in (declared if declared is not None else
                                      infer_content(str(s["title"]), str(s.get("guidance") or "")))
                          if k in CONTENT_KINDS)
            keywords = tuple(str(k).lower() for k in s.get("keywords", ()) if str(k).strip())
            if not kinds and not keywords:
                keywords = guidance_keywords(str(s.get("guidance") or ""))
            arrange = s.get("arrange") or ("by_problem" if {"assessment", "plan"} <= set(kinds) else "flat")
            sections.append(TemplateSection(str(s["key"]), str(s["title"]), kinds,
                                            str(s.get("guidance") or ""), keywords, arrange == "by_problem"))
        return cls(str(raw["id"]), str(raw["name"]), str(raw.get("specialty") or "general"),
                   str(raw.get("loinc_code") or "11506-3"), tuple(sections))

    def describe(self) -> TemplateDescription:
        return {"id": self.id, "name": self.name, "specialty": self.specialty,
                "loinc_code": self.loinc_code,
                "sections": [{"key": s.key, "title": s.title, "guidance": s.guidance} for s in self.sections]}


@lru_cache(maxsize=1)
def builtin_templates() -> dict[str, NoteTemplate]:
    raw = json.loads(resources.files(__package__).joinpath("data/templates.json").read_text("utf-8"))
    return {t["id"]: NoteTemplate.from_dict(t) for t in raw["templates"]}


def get_template(template_id: "str | NoteTemplate | None") -> NoteTemplate:
    """A built-in by id (``None`` -> ``soap``), or a template given whole (a practice's own)."""
    if isinstance(template_id, NoteTemplate):
        return template_id
    templates = builtin_templates()
    key = template_id or DEFAULT_TEMPLATE
    if key not in templates:
        raise UnknownTemplateError(f"unknown note template {key!r}; built-in: {', '.join(sorted(templates))}")
    return templates[key]
