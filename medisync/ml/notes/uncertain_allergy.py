"""An allergy the patient is not sure of is flagged for review, not written as fact (D213).

"Sulfa. And I think maybe amoxicillin, but I'm not sure." gave two allergies. The brief's safety rule is that an
allergy is written as fact only when it was clearly said, and what is uncertain is flagged for review: an
allergen whose every mention is hedged in its own clause ("I think maybe", "not sure", "might be", "possibly")
moves from the allergies to ``needs_review``, with the words heard. So does one only asked about ("So I'm allergic to
lisinopril?", D228). It stays out of the medication list (its span stays excluded): a doubted allergen is no drug
the patient takes either.
"""

from __future__ import annotations

import re

from medisync.application.ports import Allergy, ReviewItem

from .drugs import find_drugs
from .text import Sentence, Turn, asks

Span = tuple[int, int]

_HEDGE = re.compile(r"\b(?:maybe|might|possibly|probably|not sure|not certain|i guess|could be|do not know if|"
                    r"do not remember if|i think it was|i think it might)\b")
#: what closes the allergen's clause before it; after it, a comma or "but" does not ("amoxicillin, but I'm not
#: sure" doubts amoxicillin) while "and" starts another allergen's clause ("penicillin, and maybe sulfa")
_OPENS = frozenset(", . ; ? ! and but also".split())
_CLOSES = frozenset(". ; ? ! and also".split())
_REACH = 6  # words on each side of the allergen


def _clause_around(sent: Sentence, start: int) -> str:
    """The words of the allergen's clause, up to ``_REACH`` on each side (the allergen itself left out)."""
    before = sent.toks[max(0, start - _REACH):start]
    opened = max((i for i, w in enumerate(before) if w in _OPENS), default=-1)
    after = sent.toks[start + 1:start + 1 + _REACH]
    closed = next((i for i, w in enumerate(after) if w in _CLOSES), len(after))
    return " ".join(before[opened + 1:] + after[:closed])


def _hedged(sent: Sentence, start: int) -> bool:
    return bool(_HEDGE.search(_clause_around(sent, start)))


def uncertain_allergies(turns: list[Turn], allergies: list[Allergy], excluded: set[Span]
                        ) -> tuple[list[Allergy], list[ReviewItem]]:
    """(allergies, review items): an allergen hedged wherever it is said goes to review."""
    sentences = {s.index: s for t in turns for s in t.sentences}
    said: dict[str, list[tuple[Sentence, bool]]] = {}
    for si, start in excluded:
        sent = sentences.get(si)
        if sent is not None and (name := _allergen_at(sent, start, allergies)) is not None:
            said.setdefault(name, []).append((sent, _hedged(sent, start) or _asked(sent)))
    doubted = {name for name, mentions in said.items() if all(h for _, h in mentions)}
    kept = [a for a in allergies if a["substance"] not in doubted]
    items = [_item(said[a["substance"]][0][0], a) for a in allergies if a["substance"] in doubted]
    return kept, items


def _asked(sent: Sentence) -> bool:
    """Said as a question, with its question mark ("When I took it I got hives." opens with "when" and asks nothing)."""
    return sent.text.rstrip().endswith("?") and asks(sent)


def _allergen_at(sent: Sentence, start: int, allergies: list[Allergy]) -> str | None:
    """The allergy whose allergen the span at ``start`` names: a drug by its generic name ("Amoxil" is
    amoxicillin), another substance by its first word ("sulfa drugs" is sulfa)."""
    drug = next((m.drug.name for m in find_drugs(sent) if m.start == start), None)
    word = sent.toks[start] if start < len(sent.toks) else ""
    return next((a["substance"] for a in allergies
                 if a["substance"] == drug or a["substance"].split()[0] == word), None)


def _item(sent: Sentence, allergy: Allergy) -> ReviewItem:
    reason = "uncertain: asked, not stated" if _asked(sent) else "uncertain: the patient was not sure"
    return {"kind": "allergy", "reason": reason, "heard": allergy["substance"],
            "candidates": [{"name": allergy["substance"]}], "segment_ids": list(sent.segment_ids),
            "sentence_index": sent.index, "sentence_indices": [sent.index]}
