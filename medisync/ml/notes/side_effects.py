"""A side effect of a drug the patient still takes is no allergy (D193).

The allergy reader takes a drug with a reaction beside it for an allergen ("Penicillin gives me hives"), and an
allergen is never an active medication (D89's ``allergy_conflicts``).  For a drug the patient reports taking
now, with its dose or schedule ("Metformin 500 milligrams twice a day. It upsets my stomach a bit."), that
turned a side effect into an allergy and took the drug off the medication list.  Here such a reaction, said
without the words allergy / allergic / reaction, is taken back from the allergies when it is a side effect rather
than a sign of hypersensitivity (``INTOLERANCE``); the drug stays a medication, and the reaction is listed for the
clinician to record as an intolerance if they judge so.  "I take amoxicillin. It gives me a rash." stays an allergy.
"""

from __future__ import annotations

import re

from medisync.application.ports import Allergy, ReviewItem

from .drugs import find_drugs
from .medications import ALLERGY_TRIGGER, extract_medications
from .text import Sentence, Turn

Span = tuple[int, int]

#: reactions of the allergy lexicon that a drug's known side effects explain (GI upset, dizziness, headache, an
#: ACE inhibitor's cough); hives, rashes, itching, swelling, breathing trouble, blisters and anaphylaxis are signs
#: of hypersensitivity and stay an allergy however they are said, as does a reaction not named
INTOLERANCE = frozenset({"nausea", "vomiting", "diarrhea", "dizziness", "headache", "cough"})


def side_effects_of_taken_drugs(turns: list[Turn], allergies: list[Allergy], excluded: set[Span]
                                ) -> tuple[list[Allergy], set[Span], list[ReviewItem]]:
    """(allergies, excluded allergen spans, review items) with each implicit reaction to a drug still taken
    moved from the allergies to the review list."""
    sentences = {s.index: s for t in turns for s in t.sentences}
    implicit = _implicit_drug_reactions(sentences, excluded)
    if not implicit:
        return allergies, excluded, []
    spans = {span for group in implicit.values() for span in group}
    taken = {m["name"] for m in extract_medications(turns, excluded - spans)
             if m["status"] == "active" and (m["dose"] or m["frequency"])}
    moved = {a["substance"] for a in allergies
             if a["substance"] in implicit and a["substance"] in taken and a["reaction"] in INTOLERANCE}
    if not moved:
        return allergies, excluded, []
    kept = [a for a in allergies if a["substance"] not in moved]
    items = [_item(sentences[min(implicit[name])[0]], a) for a in allergies if (name := a["substance"]) in moved]
    return kept, excluded - {span for name in moved for span in implicit[name]}, items


def _implicit_drug_reactions(sentences: dict[int, Sentence], excluded: set[Span]) -> dict[str, set[Span]]:
    """Drug name -> the allergen spans the allergy reader took in sentences that do not speak of allergy."""
    out: dict[str, set[Span]] = {}
    for si, start in excluded:
        sent = sentences.get(si)
        if sent is None or ALLERGY_TRIGGER.search(sent.norm) or not _goes_on(sent, sentences.get(si + 1)):
            continue
        for m in find_drugs(sent):
            if m.start == start:
                out.setdefault(m.drug.name, set()).add((si, start))
    return out


#: a reaction that goes on now: "it makes me dizzy", "it upsets my stomach"
_ONGOING = re.compile(r"\b(?:makes|gives|upsets|causes|bothers|keeps|leaves)\b")
#: a reaction of the past: "it gave me a rash", "I broke out", "last year"
_PAST = re.compile(r"\b(?:gave|made|caused|broke|got|had|was|were|took|tried|used to|last|ago|once|stopped|"
                   r"quit|switched|anymore|no longer)\b")


def _goes_on(sent: Sentence, follow: Sentence | None) -> bool:
    """The reaction is said in the present, in the allergen's sentence or the one after it, and nothing in them
    places it in the past."""
    said = sent.norm + (" " + follow.norm if follow is not None and follow.turn == sent.turn else "")
    return bool(_ONGOING.search(said)) and not _PAST.search(said)


def _item(sent: Sentence, allergy: Allergy) -> ReviewItem:
    reaction = allergy["reaction"]
    return {"kind": "allergy", "reason": "reaction to a drug still taken" + (f" ({reaction})" if reaction else ""),
            "heard": allergy["substance"], "candidates": [{"name": allergy["substance"]}],
            "segment_ids": list(sent.segment_ids), "sentence_index": sent.index, "sentence_indices": [sent.index]}
