"""Lazily loaded lexicons (package data under ``data/``).

Nothing is read at import time: each loader is cached and runs on first use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from .hpo import linked_synonyms
from .icd10 import default_leaf
from .text import FILLERS, PhraseMatcher, phrase_key, stem, tokenize


def load_json(name: str) -> dict[str, Any]:
    with resources.files(__package__).joinpath("data", name).open("r", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


# --------------------------------------------------------------------------- drugs
@dataclass(frozen=True)
class Drug:
    name: str
    cls: str
    flags: tuple[str, ...] = ()

    @property
    def needs_dose(self) -> bool:
        return "needs_dose" in self.flags


@dataclass
class DrugLexicon:
    drugs: list[Drug]
    #: surface form (space separated normalised tokens) -> drug
    surface: dict[str, Drug]
    matcher: PhraseMatcher[Drug]
    by_name: dict[str, Drug] = field(default_factory=dict)


@lru_cache(maxsize=1)
def drug_lexicon() -> DrugLexicon:
    data = load_json("drugs.json")
    drugs: list[Drug] = []
    surface: dict[str, Drug] = {}
    matcher: PhraseMatcher[Drug] = PhraseMatcher()
    for entry in data["drugs"]:
        drug = Drug(entry["name"], entry.get("class", ""), tuple(entry.get("flags", ())))
        drugs.append(drug)
        for form in [entry["name"], *entry.get("aliases", [])]:
            key = " ".join(tokenize(form))
            surface.setdefault(key, drug)
            matcher.add(form, drug)
    matcher.finalize()
    return DrugLexicon(drugs, surface, matcher, {d.name: d for d in drugs})


# --------------------------------------------------------------------------- sourced drug vocabulary
#: MeSH tree D27 is "Chemical Actions and Uses": pharmacologic classes ("Anti-Bacterial Agents"), not drugs
_CLASS_TREE = "D27"
_MED_RECORD_KEYS = ("medline_plus_id", "nhs_url")
_SIMPLE_VARIANT = re.compile(r"^[a-z]+(?: [a-z]+){0,3}$")
_PLAIN = re.compile(r"^[a-z]+(?: [a-z]+)*$")


def _drug_ner_dictionary() -> dict[str, Any] | None:
    """The dictionary shipped in ``drug-named-entity-recognition`` (MIT; DrugBank open vocabulary CC0,
    MeSH, MedlinePlus, NHS).  Read from the package's data file without importing the package, whose
    import also reads an OMOP cache from the home directory."""
    import bz2
    import importlib.util
    import pickle
    from pathlib import Path

    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "drug_ner_dictionary.pkl.bz2"
    if not path.exists():
        return None
    with bz2.open(path, "rb") as fh:
        data: dict[str, Any] = pickle.load(fh)  # noqa: S301 - data file of an installed dependency
    return data


def _is_medication_record(data: dict[str, Any]) -> bool:
    if not any(data.get(k) for k in _MED_RECORD_KEYS):
        return False
    tree = data.get("mesh_tree") or []
    return not (tree and all(t.startswith(_CLASS_TREE) for t in tree))


def sourced_variants(data: dict[str, Any] | None = None) -> dict[str, str]:
    """Every usable name variant of the sourced vocabulary -> canonical (generic) name, before the
    common-word filter: records of medicines with a consumer leaflet (MedlinePlus drug information or
    NHS medicines: about 1,500 medicines; DrugBank-only records are mostly research compounds, foods and
    allergen extracts, MeSH-only ones chemicals and classes), plain lower-case words (1-4 words, >= 4
    letters, the first word >= 3)."""
    data = data if data is not None else _drug_ner_dictionary()
    if data is None:
        return {}
    canon = data["drug_canonical_to_data"]
    out: dict[str, str] = {}
    for variant, names in data["drug_variant_to_canonical"].items():
        name = names[0] if names else None
        if name is None or not _SIMPLE_VARIANT.match(variant) or len(variant.replace(" ", "")) < 4:
            continue
        if any(len(w) < 3 for w in variant.split()[:1]) or (" " in variant and min(map(len, variant.split())) < 2):
            continue  # "or tyl", "d vert": fragments of packaging text, not names anyone says
        if _is_medication_record(canon.get(name, {})):
            out[variant] = name
    return out


@lru_cache(maxsize=1)
def sourced_drug_lexicon() -> DrugLexicon | None:
    """Exact-match drug vocabulary from ``drug-named-entity-recognition``, for names the curated
    lexicon lacks.  Variants that are common English words (``data/drug_common_words.json``, measured
    with wordfreq by ``bench/ml_notes.py --calibrate``) and the package's own stop words are left out,
    so "caps", "armour" or "thyroid" never become a medication.  ``None`` when the package is absent."""
    data = _drug_ner_dictionary()
    if data is None:
        return None
    try:
        common = frozenset(load_json("drug_common_words.json")["words"])
    except FileNotFoundError:
        common = frozenset()
    curated = drug_lexicon()
    drugs: dict[str, Drug] = {}
    surface: dict[str, Drug] = {}
    matcher: PhraseMatcher[Drug] = PhraseMatcher()
    for variant, name in sourced_variants(data).items():
        if variant in common or variant in curated.surface:
            continue
        known = curated.surface.get(name) or curated.by_name.get(name)
        drug = known or drugs.setdefault(name, Drug(name, "", ("sourced",)))
        key = tuple(stem(w) for w in variant.split() if w not in FILLERS)
        if key:
            surface.setdefault(variant, drug)
            matcher.add(key, drug)
    matcher.finalize()
    return DrugLexicon(list(drugs.values()), surface, matcher, {d.name: d for d in drugs.values()})


# --------------------------------------------------------------------------- symptoms
@dataclass(frozen=True)
class Symptom:
    name: str
    loc: str | None = None  # "prefix" | "suffix" | None
    parent: str | None = None
    patterns: tuple[str, ...] = ()

    @property
    def base(self) -> str:
        return self.parent or self.name


@dataclass(frozen=True)
class BodyPart:
    spoken: str
    prefix: str
    suffix: str


@dataclass
class SymptomLexicon:
    symptoms: dict[str, Symptom]
    matcher: PhraseMatcher[Symptom]
    patterns: list[tuple[re.Pattern[str], Symptom]]
    body: PhraseMatcher[BodyPart]
    negative_patterns: list[tuple[re.Pattern[str], str]]


# Statements that a symptom is absent without a negation word
# ("my vision is fine" -> no blurred vision).  Target "{loc} weakness" uses the
# body part captured in group "loc".
_NEGATIVE_ASSERTIONS = [
    (r"\bvision\s+(is|has\s+been|seems|looks)\s+(fine|ok|okay|normal|good|great|clear|alright)", "blurred vision"),
    (r"\b(?P<loc>legs?|arms?|hands?)\s+(feel|feels|are|is|seem|seems)\s+(strong|fine|normal|ok|okay)", "{loc} weakness"),
    (r"\b(sleep|sleeping)\s+(is\s+)?(fine|well|ok|okay|good|great|normal)", "insomnia"),
    (r"\bappetite\s+(is|has\s+been)\s+(fine|ok|okay|good|normal|great)", "loss of appetite"),
    (r"\blights?\s+(is|are|has\s+been)\s+(fine|ok|okay|alright|no\s+problem)|\blights?\s+(does|do)\s+not\s+bother",
     "photophobia"),  # D159
    (r"\bweight\s+(is|has\s+been|has\s+stayed|stayed)\s+(steady|stable|the\s+same|unchanged|fine|ok|okay)",
     "weight loss"),  # D157
    (r"\b(breathing|breath)\s+(is|feels|has\s+been)\s+(fine|ok|okay|normal|good)", "shortness of breath"),
    (r"\bmood\s+(is|has\s+been)\s+(fine|ok|okay|good|great|better)", "depressed mood"),
    (r"\b(stools?|bowel\s+movements?)\s+(are|is|have\s+been)\s+(fine|ok|okay|normal)", "diarrhea"),
    (r"\b(urine|pee)\s+(is|looks)\s+(fine|clear|normal)", "blood in urine"),
]


# Lay descriptions composed from parts rather than listed phrase by phrase ("it burns whenever I go
# pee", "I struggle to fall asleep"): a sensation or a difficulty, then a body function.  Each function
# names the concept it makes painful and the one it makes difficult (None: no such concept).  The parts
# are general English, not phrases of any visit (D38).
_SENSATION = r"(?:burns?|burning|stings?|stinging|hurts?|hurting|painful|pain|sore|aches?)"
_WHEN = r"(?:\s+\w+){0,3}?\s+(?:when|whenever|while|to|with|after|every\s+time|each\s+time)\s+(?:i\s+|you\s+|she\s+|he\s+)?(?:go\s+|try\s+to\s+|have\s+to\s+|need\s+to\s+)?"
_DIFFICULTY = (r"(?:hard\s+time|trouble|difficulty|difficult|hard|struggle|struggling|struggles|can\s+not|could\s+not|unable|"
               r"can\s+barely|can\s+hardly|problems?)")
_DLINK = r"(?:\s+\w+){0,2}?\s+(?:to\s+|with\s+)?(?:i\s+)?"
#: a body function said to have got worse ("my breathing has been worse", "my sleep is terrible"): D101
_WORSE = (r"\s+(?:is|was|has\s+been|have\s+been|gets|got|getting|feels|felt)\s+(?:(?!not\b|no\b|never\b)\w+\s+){0,2}?"
          r"(?:worse|harder|poor|bad|terrible|awful|difficult|labored)\b")
_FUNCTIONS: list[tuple[str, str | None, str | None]] = [
    (r"(?:pee|pees|peeing|urinate|urinates|urinating|urination|wee|pass\s+(?:water|urine))", "painful urination", None),
    (r"(?:swallow|swallowing|swallows)", "difficulty swallowing", "difficulty swallowing"),
    (r"(?:breathe|breathing|catch\s+(?:my|your|her|his)\s+breath|get\s+(?:my\s+)?breath)", None, "shortness of breath"),
    # before sleep: "could not lie flat to sleep" is orthopnea, not insomnia
    (r"(?:lie|lying|lay|laying)\s+(?:down\s+)?flat", None, "orthopnea"),
    (r"(?:sleep|sleeping|fall\s+asleep|falling\s+asleep|stay\s+asleep|staying\s+asleep)", None, "insomnia"),
    (r"(?:hear|hearing)", None, "hearing loss"),
    (r"(?:remember|remembering)", None, "memory loss"),
    (r"(?:concentrate|concentrating|focus|focusing)", None, "poor concentration"),
    (r"(?:poop|pooping|have\s+a\s+bowel\s+movement|move\s+(?:my\s+)?bowels)", None, "constipation"),
]
#: a stimulus said to bother or hurt ("bright light bothers me", "loud noises hurt"): the concept of
#: intolerance to it
_STIMULI: list[tuple[str, str]] = [
    (r"(?:bright\s+|the\s+)?(?:lights?|sunlight)", "photophobia"),
    (r"(?:loud\s+|the\s+)?(?:noises?|sounds?)", "phonophobia"),
]
_BOTHERS = r"(?:\s+\w+)?\s+(?:bothers?|bothering|bothered|hurts?|hurting|bugs?|bugging|kills?|killing)\b"


def lay_patterns(symptoms: dict[str, Symptom]) -> list[tuple[re.Pattern[str], Symptom]]:
    """Regexes of the sensation/difficulty x body-function grammar, for the concepts in ``symptoms``."""
    out: list[tuple[re.Pattern[str], Symptom]] = []
    for function, painful, difficult in _FUNCTIONS:
        if painful in symptoms:
            out.append((re.compile(r"\b" + _SENSATION + _WHEN + function + r"\b"), symptoms[painful]))
            out.append((re.compile(r"\b" + function + r"\s+(?:is|has\s+been|gets|feels)?\s*(?:\w+\s+)?" + _SENSATION + r"\b"),
                        symptoms[painful]))
        if difficult in symptoms:
            out.append((re.compile(r"\b" + _DIFFICULTY + _DLINK + function + r"\b"), symptoms[difficult]))
            out.append((re.compile(r"\b" + function + _WORSE), symptoms[difficult]))
    for stimulus, concept in _STIMULI:
        if concept in symptoms:
            out.append((re.compile(r"\b" + stimulus + _BOTHERS), symptoms[concept]))
    return out


def _article_bound(term: str) -> bool:
    """A term that is one content word only by dropping its article ("the runs" is "run", which "I run every
    morning" holds, D164): matched as the words said, not as content tokens."""
    words = term.split()
    return len(words) > 1 and words[0] in ("the", "a", "an") and len(phrase_key(term)) == 1


@lru_cache(maxsize=1)
def descriptor_words() -> frozenset[str]:
    """The words that may stand before a symptom: the McGill Pain Questionnaire's sensory descriptors, colours,
    course and skin qualities (``symptoms.json`` "descriptors")."""
    return frozenset(load_json("symptoms.json")["descriptors"]["words"])


@lru_cache(maxsize=1)
def symptom_lexicon() -> SymptomLexicon:
    data = load_json("symptoms.json")
    symptoms: dict[str, Symptom] = {}
    matcher: PhraseMatcher[Symptom] = PhraseMatcher()
    patterns: list[tuple[re.Pattern[str], Symptom]] = []
    for entry in data["symptoms"]:
        sym = Symptom(entry["name"], entry.get("loc"), entry.get("parent"), tuple(entry.get("patterns", ())))
        symptoms[sym.name] = sym
        for term in entry["terms"]:
            if _article_bound(term):
                patterns.append((re.compile(r"\b" + re.escape(term) + r"\b"), sym))
            else:
                matcher.add(term, sym)
        for pat in sym.patterns:
            patterns.append((re.compile(pat), sym))
    for name, forms in _hpo_forms(data["symptoms"]).items():
        for form in forms:
            matcher.add(form, symptoms[name])
    patterns.extend(lay_patterns(symptoms))
    body: PhraseMatcher[BodyPart] = PhraseMatcher()
    for b in data["body_parts"]:
        body.add(b["spoken"], BodyPart(b["spoken"], b["prefix"], b["suffix"]))
    neg = [(re.compile(p), target) for p, target in _NEGATIVE_ASSERTIONS]
    return SymptomLexicon(symptoms, matcher.finalize(), patterns, body.finalize(), neg)


def _hpo_forms(entries: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The Human Phenotype Ontology's synonyms of the curated concepts (``hpo.py``), diagnoses left out."""
    conditions = condition_lexicon()[1]
    titles = icd10_title_lexicon()

    def is_diagnosis(form: str) -> bool:
        return conditions.covers(form) or (titles is not None and titles.covers(form))
    return linked_synonyms({e["name"]: e["terms"] for e in entries}, is_diagnosis)


# --------------------------------------------------------------------------- conditions
@dataclass(frozen=True)
class Condition:
    name: str
    icd10: str
    description: str = ""
    #: the name is a one-word "X NOS" inclusion term (D216): it means the code only when nothing specifies it
    nos: bool = False


@lru_cache(maxsize=1)
def condition_lexicon() -> tuple[dict[str, Condition], PhraseMatcher[Condition]]:
    data = load_json("conditions.json")
    by_code: dict[str, Condition] = {}
    matcher: PhraseMatcher[Condition] = PhraseMatcher()
    for entry in data["conditions"]:
        cond = Condition(entry["name"], entry["icd10"], entry.get("icd10_description", ""))
        by_code[cond.icd10] = cond
        matcher.add(entry["name"], cond)
        for syn in entry["synonyms"]:
            matcher.add(syn, cond)
    return by_code, matcher.finalize()


#: ICD-10-CM chapters whose simple titles are read as spoken diagnoses: diseases A00-N99.  Left out:
#: pregnancy (O), perinatal (P), congenital (Q), symptoms (R: the curated map and its guards handle
#: them), injuries (S/T: need a 7th character for the encounter), external causes (V-Y), Z (encounters).
_ICD_CHAPTERS = tuple("ABCDEFGHIJKLMN")
_ICD_SIMPLE_TITLE = re.compile(r"^([A-Za-z][A-Za-z '-]+?)(, unspecified| NOS)?$")
#: "Unspecified cataract", "Unspecified hearing loss, unspecified ear": the condition named without a subtype (D216)
_ICD_UNSPECIFIED = re.compile(r"^Unspecified ([a-z][a-z '-]+?)(?:, unspecified(?: ear| eye| side)?)?$")
#: a title that gives its condition's other name in brackets: "Varicella [chickenpox]", "... [croup]"
_ICD_BRACKET = re.compile(r"^([A-Za-z][A-Za-z '-]+) \[([a-z][A-Za-z '-]+)\](?:, unspecified)?$")
_ICD_SKIP_START = ("other ", "unspecified ", "personal history", "family history", "encounter", "history of")


#: a title whose words in parentheses are ICD-10-CM's nonessential modifiers: "Acute on chronic systolic
#: (congestive) heart failure", "Moderate persistent asthma with (acute) exacerbation" (D201)
_ICD_NONESSENTIAL = re.compile(r"^[A-Za-z][A-Za-z '-]*(?: ?\([a-z][a-z '-]*\)[A-Za-z '-]*)+(?:, unspecified| NOS)?$")


#: a one-word inclusion term "X NOS" whose word names an inflammation or a disease process ("Prostatitis NOS",
#: "Tendinitis NOS", "Chlamydiosis NOS"): ICD-10-CM's own code for the word said without detail (D216).  Other
#: one-word terms stay out ("Cancer NOS", "Erythema NOS", "Stroke NOS" inside "heat stroke").
_ICD_NOS_DISEASE = re.compile(r"^[A-Z][a-z]+(?:itis|osis|iasis) NOS$")
#: a one-word inclusion term without "NOS" names the disease of its code ("Costochondritis" under M94.0
#: "Chondrocostal junction syndrome [Tietze]", "Onychomycosis" under B35.1), unless the title is a residual
#: ("Other specified diseases of jaws"), says an acuity the word does not ("Chronic lymphadenitis") or is a
#: manifestation "in" another disease (D250)
_ICD_ONE_WORD_DISEASE = re.compile(r"^[A-Z][a-z]+(?:itis|osis|iasis)$")
_ICD_NOT_THE_WORD = re.compile(r"^Other\b|\b(?:chronic|acute|in|elsewhere)\b", re.IGNORECASE)
#: neoplasms (C00-D49): a one-word name inside a longer one names another tumour
_NEOPLASM = ("C", "D0", "D1", "D2", "D3", "D4")


def _nonessential_variants(text: str) -> list[str]:
    """The title said without its parenthesised modifiers and with them: ICD-10-CM's convention is that
    parentheses enclose supplementary words that do not change the code."""
    if "(" not in text or not _ICD_NONESSENTIAL.match(text):
        return []
    without = re.sub(r" +", " ", re.sub(r"\s*\([^)]*\)", "", text)).strip()
    within = re.sub(r" +", " ", text.replace("(", "").replace(")", "")).strip()
    return [without, within]


def _one_word_disease(term: str, title: str) -> bool:
    """A one-word inclusion term that names its code's disease (D216, D250)."""
    return bool(_ICD_NOS_DISEASE.match(term) or (_ICD_ONE_WORD_DISEASE.match(term) and not _ICD_NOT_THE_WORD.search(title)))


def _icd_names(cm: Any, code: str) -> list[str]:
    """The plain names ICD-10-CM gives ``code``: its title (both names of "Varicella [chickenpox]") and its
    inclusion terms of two words or more ("Tennis elbow" under M77.1), each without ", unspecified" or " NOS".  A one-word inclusion term is
    mostly a finding or a catch-all ("Erythema NOS", "Cancer NOS" -> C80.1, "ovarian cancer" is not that).
    Only a billable code's own title may name a pain: "Pain in shoulder" (category M25.51) or "Back pain NOS"
    are symptoms, read by the symptom lexicon."""
    description = cm.get_description(code)
    texts = [(description, cm.is_leaf(code), 1),
             *((t, False, 1 if _one_word_disease(t, description) and not code.startswith(_NEOPLASM) else 2)
               for t in cm.get_inclusion_term(code))]
    bracket = _ICD_BRACKET.match(description)  # "Acute obstructive laryngitis [croup]": both names
    if bracket:
        texts += [(bracket.group(1), cm.is_leaf(code), 1), (bracket.group(2), cm.is_leaf(code), 1)]
    # the title's own nonessential modifiers only: an inclusion term's "Sore throat (acute) NOS" stays a symptom
    texts += [(variant, cm.is_leaf(code), 1) for variant in _nonessential_variants(description)]
    unspecified = _ICD_UNSPECIFIED.match(description)
    if unspecified and "unspecified" not in unspecified.group(1):
        texts.append((unspecified.group(1), cm.is_leaf(code), 1))
    names = []
    for text, leaf_title, min_words in texts:
        m = _ICD_SIMPLE_TITLE.match(text)
        name = m.group(1).lower() if m else ""
        words = name.split()
        if len(name) >= 5 and len(words) >= min_words and not name.startswith(_ICD_SKIP_START) and (
                leaf_title or "pain" not in words):
            names.append(name)
    return names


def _icd_names_by_code(cm: Any) -> dict[str, set[str]]:
    """Each plain ICD-10-CM name (chapters A-N) with the billable codes it means: a leaf's own, and a
    category's default leaf (``icd10.default_leaf``: M77.1 -> M77.10; a category without one adds nothing)."""
    by_name: dict[str, set[str]] = {}
    for code in cm.get_all_codes(with_dots=True):
        if not code.startswith(_ICD_CHAPTERS):
            continue
        names = _icd_names(cm, code)
        target = code if cm.is_leaf(code) else (default_leaf(code) if names else None)
        for name in names if target else ():
            by_name.setdefault(name, set()).add(target)
    return by_name


@lru_cache(maxsize=1)
def icd10_title_lexicon() -> PhraseMatcher[Condition] | None:
    """Every plain name ICD-10-CM gives a disease (chapters A-N), read from ``simple-icd-10-cm``: a title,
    optionally followed by ", unspecified" ("Gout, unspecified" -> gout M10.9, "Cervicalgia" -> M54.2), or an
    inclusion term ("Frozen shoulder" -> M75.00).  A category's name means its default leaf; a name that
    means two codes is left out.  ``None`` without the package."""
    try:
        import simple_icd_10_cm as cm
    except ImportError:  # pragma: no cover - depends on the install
        return None
    matcher: PhraseMatcher[Condition] = PhraseMatcher()
    for name, codes in _icd_names_by_code(cm).items():
        if len(codes) == 1:
            code = next(iter(codes))
            # plain words take the fast path (the same key phrase_key gives them)
            key = tuple(stem(w) for w in name.split() if w not in FILLERS) if _PLAIN.match(name) else name
            description = cm.get_description(code)
            nos = " " not in name and name not in description.lower()  # only "X NOS" terms are one word
            matcher.add(key, Condition(name, code, description, nos))
    return matcher.finalize()


# --------------------------------------------------------------------------- orders
@dataclass(frozen=True)
class OrderItem:
    kind: str
    name: str


@lru_cache(maxsize=1)
def order_lexicon() -> PhraseMatcher[OrderItem]:
    data = load_json("orders.json")
    matcher: PhraseMatcher[OrderItem] = PhraseMatcher()
    for entry in data["orders"]:
        item = OrderItem(entry["kind"], entry["name"])
        for term in entry["terms"]:
            matcher.add(term, item)
    return matcher.finalize()


# --------------------------------------------------------------------------- allergies
@lru_cache(maxsize=1)
def allergy_lexicon() -> tuple[PhraseMatcher[str], PhraseMatcher[str]]:
    """(substance classes matcher, reaction matcher); payload = output name."""
    data = load_json("allergies.json")
    subs: PhraseMatcher[str] = PhraseMatcher()
    for entry in data["classes"]:
        for term in entry["terms"]:
            subs.add(term, entry["name"])
    reactions: PhraseMatcher[str] = PhraseMatcher()
    for entry in data["reactions"]:
        for term in entry["terms"]:
            reactions.add(term, entry["name"])
    return subs.finalize(), reactions.finalize()
