"""Fact-level precision/recall/F1 of ``insights`` against an ``expected`` block.

Matching, per category (case-insensitive throughout):

chief_complaint  one fact; a hit when at least half of the expected content
                 words (stemmed, stop words dropped) occur in the prediction, or when the
                 prediction names the expected complaint's first symptom concept, at the
                 same body part if the expected one names a part (D319).
symptoms         one fact per symptom = (name, present).  Names match when
                 equal after normalisation, when both resolve to the same
                 lexicon concept, or when one's content words contain the
                 other's ("numbness" ~ "numbness in feet").  ``present`` must
                 be equal.
symptom_duration one fact per matched symptom with a non-null duration on
                 either side; exact string match ("2 weeks").
vitals           one fact per non-null value; exact number (temperature to
                 0.05 degC).  A predicted value where none was expected is a
                 false positive.
medications      name (generic name, brand names map to the generic; a dosage form after it and the order of a
                 combination's parts do not count: "hydrocortisone cream" = "hydrocortisone", D276), then
                 dose ("10 mg", exact after normalisation), frequency (equal
                 after normalisation, numbers as digits; "at night" = "at bedtime" = "nightly" =
                 "every evening", "daily" = "once daily" = "every morning"; a dose in
                 g equals the same in mg) and status as separate facts of the
                 matched pair; unmatched expected/predicted medications count
                 all their non-null attributes as misses / false positives.
allergies        substance (a drug by its generic name, a class by its name: "sulfa
                 drugs" = "sulfa") + reaction as a separate fact.
diagnoses        ICD-10-CM code equality.
orders           (kind, name): kind equal and name equal / same lexicon
                 item / word containment.
follow_up        one fact; exact interval string ("4 weeks").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .assessment import condition_mentions
from .drugs import find_drugs
from .symptoms import find_mentions
from .text import FILLERS, build_turns, phrase_key, stem

CATEGORIES = (
    "chief_complaint", "symptoms", "symptom_duration", "vitals", "medications", "allergies",
    "diagnoses", "orders", "follow_up",
)
_STOP = FILLERS | frozenset("in on at to with for and or the down from after of".split())


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.misses.extend(other.misses)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def _words(text: str | None) -> set[str]:
    if not text:
        return set()
    return {stem(w) for w in phrase_key(text) if w not in _STOP and w.isalnum()} or set(phrase_key(text))


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "").strip().lower())


def _symptom_concept(name: str) -> str | None:
    from .lexicon import symptom_lexicon

    lex = symptom_lexicon()
    key = list(phrase_key(name))
    ms = lex.matcher.find(key)
    if len(ms) == 1 and ms[0].start == 0 and ms[0].end == len(key):
        return ms[0].payload.name
    return None


def symptom_names_match(a: str, b: str) -> bool:
    if _norm(a) == _norm(b):
        return True
    ca, cb = _symptom_concept(a), _symptom_concept(b)
    if ca is not None and ca == cb:
        return True
    wa, wb = _words(a), _words(b)
    return bool(wa and wb and (wa <= wb or wb <= wa))


#: dosage-form words a label may put after the drug's name ("hydrocortisone cream", "timolol eye drops", D276)
_DOSAGE_FORMS = frozenset("cream creams ointment gel lotion shampoo solution foam spray drops eye ear nasal vaginal "
                          "ring patch tablet tablets capsule capsules suppository suppositories topical oral liquid "
                          "suspension inhaler drop".split())


def _drug_key(name: str) -> str:
    """A drug's generic name from its name, brand or synonym, said with or without its dosage form; the words of an
    unknown or combined name in any order ("ethinyl estradiol norgestimate" = "norgestimate-ethinyl estradiol")."""
    from .lexicon import drug_lexicon

    lex = drug_lexicon()
    words = list(phrase_key(name))
    while len(words) > 1 and words[-1] in _DOSAGE_FORMS:
        words.pop()
    for key in (" ".join(phrase_key(name)), _norm(name), " ".join(words)):
        d = lex.surface.get(key)
        if d:
            return " ".join(sorted(phrase_key(d.name)))
    return " ".join(sorted(words)) or _norm(name)


def _allergen_key(name: str) -> str:
    """An allergy substance by its class when the whole name is a term of one ("sulfa drugs" is sulfa), else by
    its drug's generic name."""
    from .lexicon import allergy_lexicon

    key = list(phrase_key(name))
    whole = [m.payload for m in allergy_lexicon()[0].find(key) if m.start == 0 and m.end == len(key)]
    return whole[0].lower() if whole else _drug_key(name)


def _order_key(name: str) -> str:
    from .lexicon import order_lexicon

    key = list(phrase_key(name))
    items = {m.payload.name.lower() for m in order_lexicon().find(key)}
    # one order item named inside a longer label: "KOH prep of skin scraping" is the KOH prep (D307)
    return items.pop() if len(items) == 1 else _norm(name)


def order_names_match(a: str, b: str) -> bool:
    if _norm(a) == _norm(b) or _order_key(a) == _order_key(b):
        return True
    wa, wb = _words(a), _words(b)
    return bool(wa and wb and (wa <= wb or wb <= wa))


def _pair(expected: list[dict[str, Any]], predicted: list[dict[str, Any]],
          same: Callable[[dict[str, Any], dict[str, Any]], bool]) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Greedy one-to-one matching; returns (pairs, unmatched expected, unmatched predicted)."""
    pairs = []
    left = list(predicted)
    missed = []
    for e in expected:
        hit = next((p for p in left if same(e, p)), None)
        if hit is None:
            missed.append(e)
        else:
            pairs.append((e, hit))
            left.remove(hit)
    return pairs, missed, left


#: clinically equivalent spellings of one frequency (all "qhs")
_FREQ_SAME = [(re.compile(r"\b(at night|nightly|every night|each night|at bedtime|before bed|every evening|"
                          r"in the evening)\b"), "at bedtime"),
              (re.compile(r"\b(once a day|once daily|daily|every day|every morning|each morning)\b"), "once daily"),
              (re.compile(r"\b(twice a day|twice daily|two times a day)\b"), "twice daily"),
              # "twice weekly" = "2 times a week", the generator's spelling (D298)
              (re.compile(r"\b(twice a week|twice weekly|2 times weekly|two times a week|twice per week)\b"),
               "2 times a week"),
              (re.compile(r"\b(once a week|once weekly|1 time a week|one time a week|once per week)\b"), "once weekly"),
              (re.compile(r"\b(no more than|not more than|at most)\b"), "up to")]


_SMALL_NUMBERS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}


def _freq_norm(text: Any) -> str:
    # "every six hours" = "every 6 hours": the generator writes digits, a label may spell them
    out = re.sub(r"\b(" + "|".join(_SMALL_NUMBERS) + r")\b", lambda m: _SMALL_NUMBERS[m.group(1)], _norm(text))
    for pat, canon in _FREQ_SAME:
        out = pat.sub(canon, out)
    return out


def _dose_mg(text: Any) -> float | None:
    """A dose in grams or milligrams as milligrams ("1 g" = "1000 mg"), else None."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(g|mg|grams?|milligrams?)", _norm(text) or "")
    if m is None:
        return None
    return float(m.group(1)) * (1000.0 if m.group(2).startswith("g") else 1.0)


def _temp_eq(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) < 0.051
    except (TypeError, ValueError):
        return False


def _judge(c: Counts, same: bool, expected: Any, predicted: Any, miss: str) -> None:
    """One compared fact: a hit, or else a miss for an expected value and a false positive for a predicted one."""
    if same:
        c.tp += 1
        return
    c.fn += expected is not None
    c.fp += predicted is not None
    c.misses.append(miss)


def _complaint_concepts(text: str) -> tuple[list[str], set[str]]:
    """The symptom concepts a chief complaint names, in order, and the body parts it names."""
    from .lexicon import symptom_lexicon

    lex = symptom_lexicon()
    key = list(phrase_key(text))
    parts = {b.payload.prefix for b in lex.body.find(key)}
    return [m.payload.name for m in lex.matcher.find(key)], parts


def complaints_match(expected: str, predicted: str) -> bool:
    """Half the expected content words said, or the expected complaint's first symptom concept named, and at the same
    body part when both name one ("shaky hands" = "tremor", "recurring canker sores" = "mouth sores"; "knee pain" is
    not "hip pain", D319)."""
    we, wp = _words(expected), _words(predicted)
    if we and len(we & wp) / len(we) >= 0.5:
        return True
    (ce, pe), (cp, pp) = _complaint_concepts(expected), _complaint_concepts(predicted)
    return bool(ce) and ce[0] in cp and (not pe or not pp or bool(pe & pp))


def _score_chief_complaint(ce: Any, cp: Any) -> Counts:
    c = Counts()
    if ce and cp:
        if complaints_match(str(ce), str(cp)):
            c.tp += 1
        else:
            c.fn += 1
            c.fp += 1
            c.misses.append(f"chief_complaint: {cp!r} vs {ce!r}")
    elif ce:
        c.fn += 1
        c.misses.append(f"chief_complaint missing: {ce!r}")
    elif cp:
        c.fp += 1
    return c


def _score_symptoms(expected: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> tuple[Counts, Counts]:
    """(symptoms, symptom_duration) counts."""
    pairs, missed, extra = _pair(
        expected, predicted,
        lambda e, p: symptom_names_match(e["name"], p["name"]) and bool(e["present"]) == bool(p["present"]),
    )
    s, d = Counts(), Counts()
    s.tp += len(pairs)
    s.fn += len(missed)
    s.fp += len(extra)
    s.misses += [f"symptom missing: {m['name']} present={m['present']}" for m in missed]
    s.misses += [f"symptom extra: {m['name']} present={m['present']}" for m in extra]
    for e, p in pairs:
        de, dp = e.get("duration"), p.get("duration")
        if de is None and dp is None:
            continue
        _judge(d, _norm(de) == _norm(dp), de, dp, f"duration {e['name']}: {dp!r} vs {de!r}")
    d.fn += sum(1 for m in missed if m.get("duration"))
    d.fp += sum(1 for m in extra if m.get("duration"))
    return s, d


def _score_vitals(ve: dict[str, Any], vp: dict[str, Any]) -> Counts:
    v = Counts()
    for key in set(ve) | set(vp):
        a, b = ve.get(key), vp.get(key)
        if a is None and b is None:
            continue
        eq = _temp_eq(a, b) if key == "temperature_c" else (a is not None and b is not None and float(a) == float(b))
        _judge(v, eq, a, b, f"vital {key}: {b!r} vs {a!r}")
    return v


_MED_ATTRS = ("dose", "frequency", "status")


def _score_medications(expected: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> Counts:
    m = Counts()
    pairs, missed, extra = _pair(expected, predicted, lambda e, p: _drug_key(e["name"]) == _drug_key(p["name"]))
    for e, p in pairs:
        m.tp += 1
        for attr in _MED_ATTRS:
            a, b = e.get(attr), p.get(attr)
            if a is None and b is None:
                continue
            same = _norm(a) == _norm(b) or (attr == "frequency" and _freq_norm(a) == _freq_norm(b)) or (
                attr == "dose" and _dose_mg(a) is not None and _dose_mg(a) == _dose_mg(b))
            _judge(m, same, a, b, f"medication {e['name']} {attr}: {b!r} vs {a!r}")
    for e in missed:
        m.fn += 1 + sum(e.get(k) is not None for k in _MED_ATTRS)
        m.misses.append(f"medication missing: {e['name']}")
    for p in extra:
        m.fp += 1 + sum(p.get(k) is not None for k in _MED_ATTRS)
        m.misses.append(f"medication extra: {p['name']}")
    return m


def _score_allergies(expected: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> Counts:
    a_ = Counts()
    pairs, missed, extra = _pair(
        expected, predicted,
        lambda e, p: _allergen_key(e["substance"]) == _allergen_key(p["substance"]) or _norm(e["substance"]) == _norm(p["substance"]),
    )
    for e, p in pairs:
        a_.tp += 1
        re_, rp = e.get("reaction"), p.get("reaction")
        if re_ is None and rp is None:
            continue
        _judge(a_, _norm(re_) == _norm(rp), re_, rp, f"allergy {e['substance']} reaction: {rp!r} vs {re_!r}")
    for e in missed:
        a_.fn += 1 + (e.get("reaction") is not None)
        a_.misses.append(f"allergy missing: {e['substance']}")
    for p in extra:
        a_.fp += 1 + (p.get("reaction") is not None)
        a_.misses.append(f"allergy extra: {p['substance']}")
    return a_


def _score_diagnoses(expected: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> Counts:
    dx = Counts()
    codes_p = [x["icd10"].upper() for x in predicted]
    for code in (x["icd10"].upper() for x in expected):
        if code in codes_p:
            dx.tp += 1
            codes_p.remove(code)
        else:
            dx.fn += 1
            dx.misses.append(f"diagnosis missing: {code}")
    dx.fp += len(codes_p)
    dx.misses += [f"diagnosis extra: {c}" for c in codes_p]
    return dx


def _score_orders(expected: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> Counts:
    o = Counts()
    pairs, missed, extra = _pair(
        expected, predicted,
        lambda e, p: e["kind"] == p["kind"] and order_names_match(e["name"], p["name"]),
    )
    o.tp += len(pairs)
    o.fn += len(missed)
    o.fp += len(extra)
    o.misses += [f"order missing: {x['kind']}:{x['name']}" for x in missed]
    o.misses += [f"order extra: {x['kind']}:{x['name']}" for x in extra]
    return o


def _score_follow_up(fe: Any, fp_: Any) -> Counts:
    f = Counts()
    if fe is not None or fp_ is not None:
        _judge(f, _norm(fe) == _norm(fp_), fe, fp_, f"follow_up: {fp_!r} vs {fe!r}")
    return f


def score(expected: dict[str, Any], predicted: dict[str, Any]) -> dict[str, Counts]:
    """Counts per category for one visit."""
    out = {c: Counts() for c in CATEGORIES}
    out["chief_complaint"] = _score_chief_complaint(expected.get("chief_complaint"), predicted.get("chief_complaint"))
    out["symptoms"], out["symptom_duration"] = _score_symptoms(
        expected.get("symptoms", []), predicted.get("symptoms", []))
    out["vitals"] = _score_vitals(expected.get("vitals") or {}, predicted.get("vitals") or {})
    out["medications"] = _score_medications(expected.get("medications", []), predicted.get("medications", []))
    out["allergies"] = _score_allergies(expected.get("allergies", []), predicted.get("allergies", []))
    out["diagnoses"] = _score_diagnoses(expected.get("diagnoses", []), predicted.get("diagnoses", []))
    out["orders"] = _score_orders(expected.get("orders", []), predicted.get("orders", []))
    out["follow_up"] = _score_follow_up(expected.get("follow_up"), predicted.get("follow_up"))
    return out


def total(counts: dict[str, Counts]) -> Counts:
    t = Counts()
    for c in counts.values():
        t.add(c)
    return t


def truth_to_transcript(truth: dict[str, Any]) -> dict[str, Any]:
    """A transcript document built from ground-truth turns (roles from the truth)."""
    segs = [
        {"start": t.get("start"), "end": t.get("end"), "speaker": t.get("speaker", "S"),
         "role": t.get("role", "unknown"), "text": t["text"], "words": []}
        for t in truth["turns"]
    ]
    return {"language": "en", "text": " ".join(s["text"] for s in segs), "segments": segs}


# --------------------------------------------------------------------------- safety counters
SAFETY_COUNTERS = ("unsaid_medications", "negated_diagnoses_coded", "unstated_diagnoses_coded")


def said_facts(transcript: dict[str, Any]) -> tuple[set[str], set[str], set[str]]:
    """What the ground-truth transcript says: (drug names said by anyone, diagnosis codes a
    clinician affirms, codes a clinician mentions only negated / hypothetical / for family)."""
    from .assessment import not_a_patient_condition, qualified_code
    from .context import assess, scopes
    from .icd10 import eyelid_code, lateral_code
    from .lexicon import condition_lexicon, drug_lexicon, icd10_title_lexicon, sourced_drug_lexicon
    from .text import build_turns

    drugs: set[str] = set()
    affirmed: set[str] = set()
    negated: set[str] = set()
    matchers = [drug_lexicon().matcher] + ([s.matcher] if (s := sourced_drug_lexicon()) is not None else [])
    cond_matchers = [condition_lexicon()[1]] + ([t] if (t := icd10_title_lexicon()) is not None else [])
    for turn in build_turns(transcript):
        for sent in turn.sentences:
            for matcher in matchers:
                drugs.update(m.payload.name for m in matcher.find(sent.content))
            if turn.role not in ("clinician", "unknown"):
                continue
            scs = scopes(sent.toks)
            for cs, ce, cond in (x for cm in cond_matchers for x in _every_match(cm, sent.content)):
                ts, te = sent.raw_span(cs, ce)
                a = assess(sent.toks, (ts, te), scs)
                bad = a.negated or a.hypothetical or a.family or not_a_patient_condition(sent.toks, ts, te)
                codes = {cond.icd10} | {lat[0] for side in ("left", "right", "bilateral")
                                        if (lat := lateral_code(cond.icd10, side)) is not None}
                codes |= {q[0] for c in list(codes) if (q := qualified_code(c, sent.toks, ts, te)) is not None}
                codes |= {lat[0] for c in list(codes) for side in ("left", "right", "bilateral")
                          if (lat := lateral_code(c, side)) is not None}  # a side of the qualified code (D244)
                codes |= {lid for c in list(codes) for lids in ("upper", "lower", "upper and lower")
                          if (lid := eyelid_code(c, lids)) is not None}  # an eyelid of a sided code (D328)
                (negated if bad else affirmed).update(codes)
    return drugs, affirmed, negated - affirmed


def _every_match(matcher: Any, content: list[str]) -> list[tuple[int, int, Any]]:
    """Every phrase occurrence, nested ones too ("dermatitis" inside "atopic dermatitis") and those a side
    word splits ("sprain of the right ankle"): what was said, for the safety counters, not what the
    extractor would pick."""
    from .assessment import SIDE_WORDS

    return [(m.start, m.end, m.payload) for m in matcher.every_skipping(content, SIDE_WORDS)]


def safety(truth_transcript: dict[str, Any], insights: dict[str, Any]) -> dict[str, list[str]]:
    """Safety errors of ``insights`` against what was really said (``truth_transcript``):

    unsaid_medications        a medication whose name (generic, brand or synonym) nobody said;
    negated_diagnoses_coded   a code whose condition the clinician only negated, ruled out, put as a
                              hypothetical or a family history;
    unstated_diagnoses_coded  a code whose condition (by any lexicon synonym) no clinician sentence names.
    """
    drugs, affirmed, negated = said_facts(truth_transcript)
    meds = [m["name"] for m in insights.get("medications", []) if _drug_key(m["name"]) not in drugs and m["name"] not in drugs]
    codes = [d["icd10"] for d in insights.get("diagnoses", [])]
    return {
        "unsaid_medications": meds,
        "negated_diagnoses_coded": [c for c in codes if c in negated],
        "unstated_diagnoses_coded": [c for c in codes if c not in negated and c not in affirmed],
    }


def scribe_plan_conditions(note: str) -> set[str] | None:
    """ICD-10-CM categories (3 characters) of the conditions the condition lexicon finds in the
    scribe's ASSESSMENT AND PLAN (or ASSESSMENT, IMPRESSION, PLAN: from the first to the note's end),
    symptom (R) codes left out: a proxy for "the diagnoses of this
    visit" where no one labelled them (D80). ``None`` for a note without such a section (PriMock57's GPs)."""
    m = re.search(r"(?ms)^(?:ASSESSMENT AND PLAN|ASSESSMENT|IMPRESSION|PLAN)\s*$(.*)", note)
    if m is None:
        return None
    plan = build_turns({"segments": [{"speaker": "S", "role": "clinician", "start": 0, "end": 1,
                                      "text": m.group(1)}]})
    return {c.icd10[:3] for t in plan for s in t.sentences for c in condition_mentions(s)
            if not c.icd10.startswith("R")}


def _drugs_in(text: str) -> set[str]:
    turns = build_turns({"segments": [{"speaker": "S", "role": "clinician", "start": 0, "end": 1, "text": text}]})
    return {m.drug.name for t in turns for s in t.sentences for m in find_drugs(s) if m.method != "fuzzy"}


def scribe_problem_drugs(note: str) -> tuple[dict[str, set[str]], set[str]] | None:
    """The scribe's problem blocks ({ICD-10-CM category of a block's heading: drugs the block names}) and
    every drug of the plan sections; ``None`` without a plan section.  A block is a paragraph of the
    ASSESSMENT AND PLAN whose first line names one condition ("Diabetes type 2." then its bullets)."""
    m = re.search(r"(?ms)^(?:ASSESSMENT AND PLAN|ASSESSMENT|IMPRESSION|PLAN)\s*$(.*)", note)
    if m is None:
        return None
    blocks: dict[str, set[str]] = {}
    for block in re.split(r"\n\s*\n", m.group(1)):
        head = block.strip().split("\n", 1)[0]
        heads = build_turns({"segments": [{"speaker": "S", "role": "clinician", "start": 0, "end": 1, "text": head}]})
        named = {c.icd10[:3] for t in heads for s in t.sentences for c in condition_mentions(s)}
        if len(named) == 1:
            blocks.setdefault(named.pop(), set()).update(_drugs_in(block))
    return blocks, _drugs_in(m.group(1))


def problem_grouping(lines: list[dict[str, Any]], note: str) -> Counts:
    """Drug lines the draft grouped under a problem, judged against the scribe's blocks: judged only when
    the scribe has a block for that problem and names the drug in a block (``tp``: the same problem's
    block names it; ``fp``: it sits under another problem in the scribe's note; ``fn``: a drug line left
    ungrouped although the scribe put the drug under a problem)."""
    counts = Counts()
    scribe = scribe_problem_drugs(note)
    if scribe is None:
        return counts
    blocks, _planned = scribe
    in_blocks = set().union(*blocks.values()) if blocks else set()
    for line in lines:
        problem = line.get("problem")
        if line.get("kind") != "plan" or (problem and problem not in blocks):
            continue
        if not problem:
            counts.fn += len(_drugs_in(line["text"]) & in_blocks) if line.get("origin") == "facts" else 0
            continue
        for drug in _drugs_in(line["text"]) & in_blocks:
            if drug in blocks[problem]:
                counts.tp += 1
            else:
                counts.fp += 1
    return counts


_HISTORY = re.compile(r"(?ms)^(?:HISTORY OF PRESENT ILLNESS|HPI|REVIEW OF SYSTEMS)\s*$(.*?)(?=^[A-Z][A-Z /&]+$|\Z)")


def symptom_concepts(text: str) -> set[str]:
    """The symptom concepts the lexicon finds in ``text``, not negated."""
    turns = build_turns({"segments": [{"speaker": "S", "role": "patient", "start": 0, "end": 1, "text": text}]})
    return {m.concept.name for t in turns for s in t.sentences for m in find_mentions(s) if not m.assertion.negated}


def symptom_agreement(extracted: list[dict[str, Any]], note: str) -> Counts:
    """Present symptoms extracted from a dialogue against the symptom concepts of the scribe's HISTORY OF
    PRESENT ILLNESS and REVIEW OF SYSTEMS (D92's proxy; nobody labelled ACI's symptoms). Both sides are
    read as concepts by the same lexicon, so the proxy measures hearing lay speech, not vocabulary; it
    understates recall where the scribe's list negation is not read ("Denies fevers, chills, or weight loss")."""
    said = set().union(*(symptom_concepts(m.group(1)) for m in _HISTORY.finditer(note)))
    found = set().union(*(symptom_concepts(s["name"]) for s in extracted if s.get("present")))
    return Counts(len(said & found), len(found - said), len(said - found))
