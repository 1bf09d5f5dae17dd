"""``LlmNoteGenerator``: a note draft from any OpenAI-compatible chat endpoint
(vLLM, Ollama, OpenAI, Azure OpenAI), configured by URL, model and key.

The prompt carries the facts the extractive generator found plus the
speaker-attributed transcript, and asks for the sections of the chosen
template (``soap`` by default, ``hp`` ...). Direct identifiers are scrubbed
before any text leaves the network (on by default). The answer must be a JSON
object with one string per template section key; anything else is retried
with the validation error fed back, up to ``max_attempts``. The result has
the same shape as the extractive generator's.
"""

from __future__ import annotations

import json
import re
import urllib.request

from medisync.application.ports import DraftText, Insights, NoteDraft, NoteSection, Provenance, TranscriptText

from .compose import EMPTY
from .generator import ExtractiveNoteGenerator
from .templates import NoteTemplate, get_template

GENERATOR_VERSION = "1.1.0"
SECTIONS = ("subjective", "objective", "assessment", "plan")
SOAP_OF_KIND = {"cc": "subjective", "hpi": "subjective", "ros": "subjective", "vitals": "objective",
                "exam": "objective", "results": "objective", "assessment": "assessment", "plan": "plan"}


def system_prompt(template: NoteTemplate) -> str:
    fields = ", ".join(f"{s.key} ({s.title}{': ' + s.guidance if s.guidance else ''})" for s in template.sections)
    return ("You are a clinical documentation assistant. Write a concise clinical note in third-person "
            f"clinical prose from the visit transcript and the extracted facts, in the {template.name} "
            "template. Use only information present in them; never add a medication, allergy or "
            "diagnosis that was not clearly said. Answer with a JSON object with exactly these string "
            f"fields: {fields}.")

# Direct identifiers: titles with surnames, emails, phone numbers, dates, long digit runs.
_SCRUB = [
    (re.compile(r"\b(Mr|Mrs|Ms|Miss|Mister|Missus|Doctor|Dr)\.?\s+[A-Z][a-zA-Z'-]+"), r"\1 [NAME]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "[EMAIL]"),
    (re.compile(r"\+?\d[\d\s().-]{7,}\d"), "[PHONE]"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"), "[DATE]"),
]


class InvalidDraftError(ValueError):
    """The model's answer is not a valid note."""


def scrub(text: str) -> str:
    for pattern, replacement in _SCRUB:
        text = pattern.sub(replacement, text)
    return text


def validate_draft(content: str, keys: tuple[str, ...] = SECTIONS) -> dict[str, str]:
    try:
        draft = json.loads(content)
    except ValueError as error:
        raise InvalidDraftError(f"not JSON: {error}") from None
    if not isinstance(draft, dict):
        raise InvalidDraftError("not a JSON object")
    problems = [s for s in keys if not isinstance(draft.get(s), str) or not draft[s].strip()]
    if problems:
        raise InvalidDraftError(f"missing or empty string fields: {', '.join(problems)}")
    return {section: draft[section].strip() for section in keys}


def shaped(template: NoteTemplate, texts: dict[str, str]) -> DraftText:
    """The generator output shape: SOAP fields, template sections and the whole text."""
    soap: dict[str, list[str]] = {key: [] for key in SECTIONS}
    for spec in template.sections:
        if spec.content:
            soap[SOAP_OF_KIND[spec.content[0]]].append(texts[spec.key])
    sections: list[NoteSection] = [
        {"key": s.key, "title": s.title, "text": texts[s.key], "status": "filled", "lines": []}
        for s in template.sections]
    joined = {k: "\n".join(v) or EMPTY[k] for k, v in soap.items()}
    return {"subjective": joined["subjective"], "objective": joined["objective"],
            "assessment": joined["assessment"], "plan": joined["plan"], "template": template.id,
            "sections": sections, "text": "\n\n".join(f"{s['title']}\n\n{s['text']}" for s in sections)}


class LlmNoteGenerator:
    name = "llm"
    version = GENERATOR_VERSION

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout_s: float = 60.0,
                 max_attempts: int = 3, scrub_identifiers: bool = True,
                 extractor: ExtractiveNoteGenerator | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.max_attempts = max_attempts
        self.scrub_identifiers = scrub_identifiers
        self.extractor = extractor or ExtractiveNoteGenerator()

    def generate(self, transcript: TranscriptText, template: "str | NoteTemplate | None" = None) -> NoteDraft:
        chosen = get_template(template)
        insights = self.extractor.extract(transcript)
        messages = [{"role": "system", "content": system_prompt(chosen)},
                    {"role": "user", "content": self._visit(transcript, insights)}]
        draft = self._ask_until_valid(messages, tuple(s.key for s in chosen.sections))
        provenance: Provenance = {"generator": self.name, "generator_version": self.version, "model": self.model}
        return {**shaped(chosen, draft), "insights": insights, "provenance": provenance}

    def _visit(self, transcript: TranscriptText, insights: Insights) -> str:
        lines = [f"{s.get('role', 'other')}: {s.get('text', '').strip()}"
                 for s in transcript.get("segments", [])]
        text = "\n".join(lines)
        if self.scrub_identifiers:
            text = scrub(text)
        return f"Extracted facts (JSON):\n{json.dumps(insights)}\n\nTranscript:\n{text}"

    def _ask_until_valid(self, messages: list[dict[str, str]], keys: tuple[str, ...]) -> dict[str, str]:
        error: InvalidDraftError | None = None
        for _ in range(self.max_attempts):
            content = self._complete(messages)
            try:
                return validate_draft(content, keys)
            except InvalidDraftError as invalid:
                error = invalid
                messages = [*messages, {"role": "assistant", "content": content},
                            {"role": "user", "content": f"Invalid answer ({invalid}). Reply with the "
                                                        "JSON object only."}]
        raise InvalidDraftError(f"no valid note after {self.max_attempts} attempts: {error}")

    def _complete(self, messages: list[dict[str, str]]) -> str:
        body = json.dumps({"model": self.model, "messages": messages, "temperature": 0,
                           "response_format": {"type": "json_object"}}).encode()
        request = urllib.request.Request(f"{self.base_url}/chat/completions", data=body, method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {self.api_key}"})
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:  # noqa: S310 - configured URL
            answer = json.loads(response.read())
        return str(answer["choices"][0]["message"]["content"])
