"""Drafting a note into a template's sections.

1. The section model (``section_model.py``, learned on ACI-Bench train) says
   which sentences of the visit are note material and for which content kind.
2. Each chosen sentence becomes third-person prose (``prose.py``) or is dropped.
   Sentences heard with a low ASR word probability, or holding words that
   were flagged for review, are never written (garbled speech stays out).
3. Fact lines (``fact_lines.py``) add what the extractors found.
4. The template's sections take the lines of their content kinds, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medisync.application.ports import Insights, NoteSection

from .fact_lines import fact_lines
from .lines import NoteLine
from .person import Pronouns
from .problems import line_problem, sentence_focus
from .prose import to_prose
from .section_model import NONE, SectionModel, section_model, sentence_features
from .templates import NoteTemplate
from .text import MIN_WORD_PROBABILITY, Sentence, Turn, asks, strip_tag_question

_PLAN = re.compile(
    r"\b(order|ordering|start|starting|prescrib\w*|continue|increase|decrease|refer\w*|schedul\w*|"
    r"follow up|come back|recommend\w*|take|stop|will|plan|want (?:her|him|the patient) to|going to|"
    r"need\w* to|should|get (?:a|an|some)|check)\b", re.IGNORECASE)
#: a clinician's instruction ("Keep walking") or stated plan ("I am referring you") is plan,
#: wherever the section model put it
_INSTRUCTION = re.compile(
    r"^(?:please\s+|so\s+|and\s+|okay,?\s+)?(?:keep|avoid|take|continue|stop|start|call|come back|return|"
    r"drink|rest|use|apply|try|make sure|remember|elevate|schedule|follow up)\b", re.IGNORECASE)
_PLAN_STATEMENT = re.compile(
    r"\b(?:i am|i'm|i will|i'll|we will|we'll|we are going to|i am going to|i'm going to|let us|let's)\s+"
    r"(?:\w+\s+)?(?:refer|order|prescrib|start|increas|decreas|schedul|send|switch|chang)\w*", re.IGNORECASE)
_ASSESSMENT = re.compile(r"\b(?:my|the) (?:assessment|impression|diagnosis) (?:is|today is)\b", re.IGNORECASE)
_FEMALE = re.compile(r"\b(she|her|hers|herself|female|woman|lady|mrs|ms|miss|girl)\b")
_MALE = re.compile(r"\b(he|him|his|himself|male|man|gentleman|mr|mister|boy)\b")
#: the patient's sex as a clinician states it: "a 57 year old male", "Mrs. Hill" (normalised to "missus");
#: "miss" only as a form of address ("hi , miss russell", "miss hernandez is a"), never the verb
_STATED_SEX = re.compile(r"\b\d+ (?:year|month) old (?:\w+ ){0,2}?(male|female|man|woman|gentleman|lady|boy|girl)\b"
                         r"|\b(missus|mister|mrs|mr|ms)\b"
                         r"|(?:\b(?:hi|hello|hey|morning|afternoon|evening|seeing|you) ,? )(miss)\b|\b(miss)(?= \w+ is a\b)")
_SEX_WORD = {**dict.fromkeys(("female", "woman", "lady", "girl", "missus", "mrs", "ms", "miss"), "female"),
             **dict.fromkeys(("male", "man", "gentleman", "boy", "mister", "mr"), "male")}


@dataclass(frozen=True)
class DraftSection:
    key: str
    title: str
    text: str
    lines: tuple[NoteLine, ...]

    def as_dict(self) -> NoteSection:
        """``status`` is ``empty`` when nothing in the visit belonged here: no filler text is written."""
        return {"key": self.key, "title": self.title, "text": self.text,
                "status": "filled" if self.text else "empty", "lines": [line.as_dict() for line in self.lines]}


def patient_gender(sentences: list[Sentence]) -> str | None:
    """The patient's gender as the clinician states it: an age and sex ("a 57 year old male") or an
    honorific ("Mrs. Hill") decides when the visit's cues agree; else the clinician's words must say it
    clearly (3:1); else ``None``."""
    said = " ".join(s.norm for s in sentences if s.role == "clinician")
    stated = {_SEX_WORD[next(g for g in m.groups() if g)] for m in _STATED_SEX.finditer(said)}
    if len(stated) == 1:
        return stated.pop()
    female, male = len(_FEMALE.findall(said)), len(_MALE.findall(said))
    if female >= 2 and female >= 3 * male:
        return "female"
    if male >= 2 and male >= 3 * female:
        return "male"
    return None


def classify(turns: list[Turn], model: SectionModel) -> list[tuple[Sentence, str]]:
    """The sentences the model keeps, each with its content kind."""
    sentences = [s for t in turns for s in t.sentences]
    if not sentences:
        return []
    feats, prev = [], None
    for s in sentences:
        answers = prev is not None and asks(prev) and prev.role != s.role
        feats.append(sentence_features(s, s.turn / max(len(turns), 1), answers))
        prev = s
    probs = model.probabilities(feats)
    none = model.classes.index(NONE)
    kept = []
    for s, p in zip(sentences, probs):
        p = p.copy()
        p_none, p[none] = p[none], -1.0
        kind = model.classes[int(p.argmax())]
        if model.keeps(kind, float(p_none)):
            kept.append((s, _refine(kind, s)))
    return kept


def _refine(kind: str, s: Sentence) -> str:
    if kind == "ap":
        return "plan" if _PLAN.search(s.text) else "assessment"
    if s.role == "clinician" and (_INSTRUCTION.search(s.text) or _PLAN_STATEMENT.search(s.text)):
        return "plan"
    if s.role == "clinician" and _ASSESSMENT.search(s.text):
        return "assessment"
    return kind


def transcript_lines(turns: list[Turn], model: SectionModel, who: Pronouns, excluded: set[int],
                     focus: dict[int, str] | None = None, written: frozenset[str] = frozenset()) -> list[NoteLine]:
    """The clinician's and patient's sentences the section model keeps, as prose; none twice, and none
    that says word for word what a fact line already says (``written``, lower case)."""
    out, seen = [], set(written)
    for s, kind in classify(turns, model):
        if s.index in excluded or (s.min_word_prob is not None and s.min_word_prob < MIN_WORD_PROBABILITY):
            continue
        text = to_prose(strip_tag_question(s.text), s.role, who, asks(s))
        if text and text.lower() not in seen:
            seen.add(text.lower())
            problem = line_problem([s], focus) if focus is not None and kind in _GROUPED_KINDS else None
            out.append(NoteLine(kind, text, tuple(s.segment_ids), "transcript", problem))
    return out


_GROUPED_KINDS = ("assessment", "plan")


def _section_text(lines: list[NoteLine]) -> str:
    return "\n".join(line.text for line in lines)


def by_problem(lines: list[NoteLine]) -> tuple[list[NoteLine], str]:
    """A problem-oriented A&P: each coded problem's diagnosis line, then the lines grouped under it
    (marked "- "), then whatever belongs to no one problem, in its order.  (lines in note order, text)"""
    heads = [line for line in lines if line.kind == "assessment" and line.origin == "facts" and line.problem]
    first = {}
    for line in heads:
        first.setdefault(line.problem, line)
    ordered, parts = [], []
    for problem, head in first.items():
        members = [line for line in lines if line.problem == problem and line is not head]
        ordered += [head, *members]
        parts.append("\n".join([head.text, *(f"- {m.text}" for m in members)]))
    rest = [line for line in lines if line.problem not in first]
    ordered += rest
    if rest:
        parts.append(_section_text(rest))
    return ordered, "\n\n".join(parts)


def _keyword_owner(template: NoteTemplate, line: NoteLine) -> str | None:
    """The first keyword section whose keywords the line names (cc lines stay the chief complaint)."""
    text = line.text.lower()
    for spec in template.sections:
        if line.kind != "cc" and any(re.search(r"\b" + re.escape(k), text) for k in spec.keywords):
            return spec.key
    return None


def assemble(template: NoteTemplate, lines: list[NoteLine]) -> list[DraftSection]:
    """Each section takes the lines of its content kinds (its keyword lines first), in template order."""
    owner = {id(line): _keyword_owner(template, line) for line in lines}
    sections = []
    for spec in template.sections:
        claimed = [line for line in lines if owner[id(line)] == spec.key]
        chosen = claimed + [line for kind in spec.content for line in lines
                            if line.kind == kind and owner[id(line)] is None]
        if "cc" in spec.content:
            cc = [line for line in chosen if line.kind == "cc"][:1]
            chosen = cc + [line for line in chosen if line.kind != "cc"]
        text = _section_text(chosen)
        if spec.by_problem:
            chosen, text = by_problem(chosen)
        sections.append(DraftSection(spec.key, spec.title, text, tuple(chosen)))
    return sections


def draft_lines(turns: list[Turn], insights: Insights, excluded: set[int] | None = None,
                model: SectionModel | None = None) -> list[NoteLine]:
    """Every line the visit supports, each with its content kind (and, for assessment and plan lines, the
    coded problem it belongs to when that is clear); templates only arrange them."""
    if not turns:
        return []
    sentences = [s for t in turns for s in t.sentences]
    who = Pronouns.for_gender(patient_gender(sentences))
    focus = sentence_focus(turns, insights.get("diagnoses") or [])
    facts = fact_lines(insights, sentences, focus)
    written = frozenset(line.text.lower() for line in facts)
    return [*facts, *transcript_lines(turns, model or section_model(), who, excluded or set(), focus, written)]


def draft_sections(turns: list[Turn], insights: Insights, template: NoteTemplate,
                   excluded: set[int] | None = None, model: SectionModel | None = None) -> list[DraftSection]:
    return assemble(template, draft_lines(turns, insights, excluded, model))


def render(sections: list[DraftSection]) -> str:
    """The whole note as plain text: headings, then each section's lines."""
    return "\n\n".join(f"{s.title}\n\n{s.text}" for s in sections if s.text.strip())
