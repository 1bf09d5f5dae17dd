"""Adapters from the ML package's note writing to the application's ports:
the template catalog (built-ins, a practice definition as a generator template)
and the composer of patient summaries and letters."""

from __future__ import annotations

from medisync.domain.note_content import NoteVersion
from medisync.domain.note_template import TemplateDefinition, TemplateDescription
from medisync.ml.notes.letters import LetterContext, compose_letter
from medisync.ml.notes.patient_summary import summarize
from medisync.ml.notes.readability import flesch_kincaid_grade
from medisync.ml.notes.templates import NoteTemplate, builtin_templates


class MlTemplateCatalog:
    def builtin_ids(self) -> tuple[str, ...]:
        return tuple(builtin_templates())

    def describe_builtins(self) -> list[TemplateDescription]:
        return [template.describe() for template in builtin_templates().values()]

    def compile(self, template_id: str, definition: TemplateDefinition) -> NoteTemplate:
        """Only key, title and guidance: the generator infers what fills each section."""
        sections = [{"key": s["key"], "title": s["title"], "guidance": s.get("guidance") or ""}
                    for s in definition["sections"]]
        return NoteTemplate.from_dict({"id": template_id, "name": definition["name"],
                                       "specialty": definition["specialty"],
                                       "loinc_code": definition["loinc_code"], "sections": sections})


class MlNoteDocumentComposer:
    def summarize(self, version: NoteVersion) -> tuple[str, float]:
        summary = summarize(version)
        return summary.text, summary.reading_grade

    def reading_grade(self, text: str) -> float:
        return flesch_kincaid_grade(text)

    def letter(self, kind: str, version: NoteVersion, recipient: str, patient_name: str,
               clinician_name: str, visit_date: str) -> str:
        return compose_letter(kind, version, LetterContext(recipient, patient_name, clinician_name, visit_date))
