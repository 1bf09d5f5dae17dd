"""``needs_review``: what was heard but not clearly named, for the clinician to check.

A medication, allergy or diagnosis is written as fact only when it was clearly named (D36, D37).
Everything the extractors refused for that reason is listed here instead, with the heard words, the
candidates and the provenance (segment ids and sentence index), so that the reviewing clinician can
play the audio and decide.  Nothing in this list ever reaches the note's text.

Items (``kind``):

medication  a weak fuzzy drug match ("flow tea cousin 110 mcg" ~ docusate 0.65): the candidates are
            the best drug names by the combined letter/phonetic score;
allergy     the same inside an allergy statement;
diagnosis   an ASR-damaged condition phrase matched fuzzily ("reason": "unclear wording"), or a
            hedged one ("possible pneumonia", "reason": "uncertain"), with its ICD-10-CM candidate.

Two kinds of item name something that *is* written, for the clinician to confirm: a drug of the same
class as a recorded allergy (D89), and a drug name or a vital sign's reading restored from the audio by
the speech pipeline's second decoding (D91, D137; "reason": "restored from the audio", "heard": the words
first heard).  The sentence of either is still never quoted.

``extract_needs_review(turns, excluded)`` is the entry point; ``excluded`` is the allergy-span set
returned by ``extract_allergies`` (the same one ``extract_medications`` takes).
"""

from __future__ import annotations

from functools import lru_cache

from medisync.application.ports import Allergy, Medication, ReviewItem, Word

from .assessment import diagnose
from .drugs import SAFE_FUZZY, DrugMention, drug_candidates, find_drugs
from .lexicon import condition_lexicon, drug_lexicon, load_json
from .medications import ALLERGY_TRIGGER, allergy_prone, med_answer_turns
from .text import Sentence, Turn, phrase_key
from .unnamed_dose import unnamed_dose_review


def _drug_item(kind: str, sent: Sentence, m: DrugMention) -> ReviewItem:
    cands = drug_candidates(m.surface) or [(m.drug.name, m.confidence)]
    if m.drug.name not in [c[0] for c in cands]:
        cands = [(m.drug.name, m.confidence), *cands[:2]]
    return {
        "kind": kind,
        "reason": "unclear drug name",
        "heard": m.surface,
        "candidates": [{"name": name, "score": score} for name, score in cands],
        "context": m.context,
        "segment_ids": list(sent.segment_ids),
        "sentence_index": sent.index,
        "sentence_indices": [sent.index],
    }


def _allergy_sentences(turns: list[Turn]) -> set[int]:
    """Indices of patients' (or relatives') sentences that state or answer about allergies."""
    out: set[int] = set()
    for ti, turn in enumerate(turns):
        prev = turns[ti - 1] if ti > 0 else None
        asked = prev is not None and any(s.is_question and ALLERGY_TRIGGER.search(s.norm) for s in prev.sentences)
        if turn.role == "clinician":
            continue
        for s in turn.sentences:
            if ALLERGY_TRIGGER.search(s.norm) or asked:
                out.add(s.index)
    return out


def drug_review(turns: list[Turn], excluded: set[tuple[int, int]] | None = None) -> list[ReviewItem]:
    """Weak drug matches, one item per heard string (first occurrence)."""
    sentences = [s for t in turns for s in t.sentences]
    known = frozenset(m.drug.name for s in sentences for m in find_drugs(s))
    med_answer = med_answer_turns(turns)
    allergy = _allergy_sentences(turns)
    items: list[ReviewItem] = []
    seen: set[str] = set()
    prone = allergy_prone()
    for sent in sentences:
        in_allergy = sent.index in allergy
        # a patient's own allergy statement is read with the allergy extractor's relaxed thresholds for
        # drug classes people are often allergic to; what it then refuses as weak is listed here
        relaxed = known | prone if in_allergy and ALLERGY_TRIGGER.search(sent.norm) else known
        for m in find_drugs(sent, relaxed, med_context=sent.turn in med_answer, include_weak=True):
            weak = m.weak or (m.method != "exact" and m.confidence < SAFE_FUZZY and m.drug.name not in known)
            if not weak or m.surface in seen:
                continue
            seen.add(m.surface)
            items.append(_drug_item("allergy" if in_allergy else "medication", sent, m))
    return items


def extract_needs_review(turns: list[Turn], excluded: set[tuple[int, int]] | None = None) -> list[ReviewItem]:
    """Every needs_review item of a visit: drugs first, then diagnoses, in dialogue order."""
    if not turns:
        return []
    _dx, _used, dx_review = diagnose(turns)
    return drug_review(turns, excluded) + unnamed_dose_review(turns) + restored_review(turns) + dx_review


def restored_review(turns: list[Turn]) -> list[ReviewItem]:
    """One item per name or reading the speech pipeline took from a second decoding of the audio (words
    carrying ``heard``: a drug or condition name, D91, D99; a vital sign's reading, D137): written as heard
    again, and listed so the clinician confirms it against what was first heard."""
    items: list[ReviewItem] = []
    for turn in turns:
        for _offset, seg_id, seg in turn.pieces:
            where = [s for s in turn.sentences if seg_id in s.segment_ids] or turn.sentences
            for heard, said, kind in _heard_runs(seg.get("words") or []) if where else []:
                items.append({"kind": kind or _restored_kind(said), "reason": "restored from the audio",
                              "heard": heard, "candidates": [{"name": said}],
                              "segment_ids": [seg_id], "sentence_index": where[0].index,
                              "sentence_indices": [s.index for s in where]})
    return items


def _heard_runs(words: list[Word]) -> list[tuple[str, str, str | None]]:
    """(what was first heard, what was heard again, the kind the restoring pass gave it) for each run of
    words that carry the same ``heard``."""
    runs: list[tuple[str, str, str | None]] = []
    last = None
    for word in words:
        heard = word.get("heard")
        if heard and heard == last:
            runs[-1] = (heard, f"{runs[-1][1]} {word['word'].strip()}", runs[-1][2])
        elif heard:
            runs.append((heard, word["word"].strip(), word.get("restored")))
        last = heard
    return [(heard, said.strip(" .,;:?!"), kind) for heard, said, kind in runs]


def _restored_kind(said: str) -> str:
    """The kind of a restored run from its words, for transcripts made before words carried it."""
    if condition_lexicon()[1].covers(said):
        return "diagnosis"
    return "medication" if said.lower() in drug_lexicon().surface else "vital"


def _said_item(sentences: list[Sentence], name: str, reason: str) -> ReviewItem:
    said = [s for s in sentences if any(m.drug.name == name for m in find_drugs(s))]
    where = said[-1] if said else sentences[0]
    return {"kind": "medication", "reason": reason, "heard": name, "candidates": [{"name": name}],
            "segment_ids": list(where.segment_ids), "sentence_index": where.index,
            "sentence_indices": [s.index for s in said]}


@lru_cache(maxsize=1)
def _class_terms() -> dict[str, str]:
    """Generic drug name -> the allergy class one of whose terms names it ("bactrim" is a term of sulfa: D281)."""
    surface = drug_lexicon().surface
    out: dict[str, str] = {}
    for entry in load_json("allergies.json")["classes"]:
        for term in entry["terms"]:
            drug = surface.get(" ".join(phrase_key(term)))
            if drug is not None and drug.name != entry["name"]:
                out.setdefault(drug.name, entry["name"])
    return out


def _allergy_classes(allergies: list[Allergy]) -> dict[str, str]:
    """Drug class -> the recorded allergen of that class, for the classes people are often allergic to
    (antibiotics, opioids, NSAIDs: ``allergy_prone``)."""
    prone = allergy_prone()
    by_name = {d.name: d.cls for d in drug_lexicon().drugs}
    return {by_name[a["substance"]]: a["substance"] for a in allergies if a["substance"] in prone}


def allergy_conflicts(turns: list[Turn], medications: list[Medication],
                      allergies: list[Allergy]) -> tuple[list[Medication], list[ReviewItem]]:
    """A drug the patient is allergic to is never written as a current medication (one stopped, for the reaction, is
    kept as stopped): a mention of it that only
    reports or continues it is the allergy itself; a start or a change goes to review ("prescribed despite
    a recorded allergy"), never into the plan.  A start or change of another drug of an allergen's class
    (amoxicillin beside a penicillin allergy) stays in the plan, as the clinician said it, and is flagged
    for review."""
    allergens = {a["substance"] for a in allergies}
    classes = _allergy_classes(allergies)
    cls_of = {d.name: d.cls for d in drug_lexicon().drugs}
    kept, items = [], []
    sentences = [s for t in turns for s in t.sentences]
    for med in medications:
        started = med["status"] in ("new", "changed")
        if (med["name"] in allergens or _class_terms().get(med["name"]) in allergens) and med["status"] != "stopped":
            # a drug stopped for the reaction stays (D238); Bactrim recorded as the sulfa allergy is it too (D281)
            if started:
                items.append(_said_item(sentences, med["name"], "recorded allergy"))
            continue
        kept.append(med)
        allergen = classes.get(cls_of.get(med["name"], ""))
        if started and allergen:
            items.append(_said_item(sentences, med["name"], f"same class as a recorded allergy ({allergen})"))
    return kept, items
