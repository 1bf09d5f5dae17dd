"""Which coded problem each assessment and plan line belongs to (a problem-oriented A&P).

A clinician works through a problem list: "for your diabetes, let us increase the metformin; your blood
pressure is at goal, so continue the lisinopril".  The *focus* of a clinician's sentence is the one coded
problem the clinician is talking about at that point: set by a sentence that names exactly one coded
problem, carried through the clinician's turn (and across a patient's short reply such as "okay"), and
lost at anything that could be another problem: a problem cue or a condition that was not coded, two
problems in one sentence, or a patient's substantive turn.

A line is grouped under a problem only when every clinician sentence it came from has that one focus;
anything else stays in the ungrouped tail of the section.  Grouping never adds text: it only orders the
lines the visit already supports under the heading of the diagnosis they belong to.
"""

from __future__ import annotations

import re
from typing import Iterable

from medisync.application.ports import Diagnosis

from .assessment import _PROBLEM, _STANDPOINT
from .drugs import find_drugs
from .lexicon import condition_lexicon, icd10_title_lexicon
from .text import Sentence, Turn, tokenize

#: focus lost: the clinician turned to something that is not one coded problem
ELSEWHERE = "?"
#: a patient's reply this short ("okay", "yes, that sounds good") does not end the clinician's topic
_SHORT_REPLY = 6


def _category(code: str) -> str:
    return code[:3]


def mentioned_categories(sent: Sentence) -> set[str]:
    """ICD-10-CM categories of every condition phrase in the sentence (curated names, then sourced titles)."""
    _by_code, matcher = condition_lexicon()
    found = {_category(m.payload.icd10) for m in matcher.find(sent.content)}
    titles = icd10_title_lexicon()
    if titles is not None:
        found |= {_category(m.payload.icd10) for m in titles.find(sent.content)}
    return found


def _next_focus(sent: Sentence, focus: str | None, coded: set[str]) -> str | None:
    named = mentioned_categories(sent)
    if len(named) == 1 and named <= coded:
        return named.pop()
    if named or _PROBLEM.search(sent.norm) or _STANDPOINT.search(sent.norm):
        return ELSEWHERE
    return focus


def sentence_focus(turns: list[Turn], diagnoses: list[Diagnosis]) -> dict[int, str]:
    """Sentence index -> ICD-10-CM category of the coded problem a clinician's sentence is about, or
    ``ELSEWHERE``; a sentence before any problem is named is absent."""
    coded = {_category(str(d["icd10"])) for d in diagnoses if d.get("icd10")}
    out: dict[int, str] = {}
    focus: str | None = None
    for turn in turns:
        if turn.role not in ("clinician", "unknown"):
            if len(turn.text.split()) > _SHORT_REPLY or "?" in turn.text:
                focus = None
            continue
        for s in turn.sentences:
            focus = _next_focus(s, focus, coded)
            if focus:
                out[s.index] = focus
    return out


def line_problem(sentences: Iterable[Sentence], focus: dict[int, str]) -> str | None:
    """The one problem a line's clinician sentences are about: those with a focus must all share it, and
    none may be about something else."""
    problems = {focus[s.index] for s in sentences if s.role in ("clinician", "unknown") and s.index in focus}
    if len(problems) == 1 and ELSEWHERE not in problems:
        return problems.pop()
    return None


def naming(sentences: list[Sentence], phrase: str) -> list[Sentence]:
    """Every sentence whose words hold ``phrase`` (whole words, case-insensitive)."""
    needle = re.compile(r"(?:^| )" + re.escape(" ".join(tokenize(phrase))) + r"(?: |$)")
    return [s for s in sentences if needle.search(s.norm)]


def drug_sentences(sentences: list[Sentence]) -> dict[str, list[Sentence]]:
    """Drug name -> the sentences that name it clearly (any spoken form, never a fuzzy match: "lasix"
    names furosemide)."""
    out: dict[str, list[Sentence]] = {}
    for s in sentences:
        for m in find_drugs(s):
            if m.method != "fuzzy" and s not in out.setdefault(m.drug.name, []):
                out[m.drug.name].append(s)
    return out
