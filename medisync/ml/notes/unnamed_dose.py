"""A drug's dose said where no drug name could be read (D191): "I'm starting you on Dr. Cycline 100 milligrams
twice a day" heard for doxycycline.  Nothing is written for it (D36: a drug is written only when clearly
named); it is listed for review, so a prescription the recognizer garbled is not silently lost.

A dose is a number with a unit a drug is dosed in (mg, mcg, units, ml, puffs, drops, sprays).  It is left
alone when a drug, clear or unclear, is heard in the same sentence or in one of the two before it (D171's
"... and Sudafed." "30 milligrams every six hours"), when it repeats a dose the turn before said with a drug
("Okay, 1000 milligrams twice a day"), or when it is a measurement (a blood level, a daily salt intake) or a drink.
"""

from __future__ import annotations

import re

from medisync.application.ports import ReviewItem

from .drugs import drug_candidates, find_drugs
from .text import Sentence, Turn

_DOSE = re.compile(r"\b(\d+(?:\.\d+)?) ?(?:mg|mcg|micrograms?|units?|ml|puffs?|drops?|sprays?)\b")
#: a measured amount, not a dose taken: "your vitamin d level is 20 units", "a1c of 7"
_MEASURED = re.compile(r"\b(?:levels?|a ?1 ?c|cholesterol|ldl|hdl|glucose|sugars?|readings?|results?|"
                       r"per (?:deciliter|liter|dl)|mg ?/ ?dl|kg|pounds|lb|intake|salt|sodium|caffeine)\b")
#: a drink, not a drug: "500 ml of water"
_DRINK_AFTER = re.compile(r"^\s*(?:of )?(?:water|fluids?|juice|milk)\b")
#: the words before the dose that are no drug's name
_FILLER = frozenset("i you we he she they it take took taking takes start starting started on of a an the and "
                    "or with some just also my your his her their me prescribe prescribing give giving put "
                    "try trying use using been have has had is was are were to for at about".split())


def unnamed_dose_review(turns: list[Turn]) -> list[ReviewItem]:
    """One item per sentence whose dose has no drug name heard near it."""
    sentences = [s for t in turns for s in t.sentences]
    named = {s.index for s in sentences if find_drugs(s, include_weak=True)}
    items: list[ReviewItem] = []
    for sent in sentences:
        if named & {sent.index, sent.index - 1, sent.index - 2} or _MEASURED.search(sent.norm):
            continue
        m = _DOSE.search(sent.norm)
        if m and (_read_back(m.group(0), sent, sentences, named) or _DRINK_AFTER.search(sent.norm[m.end():])):
            continue
        heard = _words_before(sent.norm[:m.start()]) if m else ""
        if not heard:
            continue
        items.append({"kind": "medication", "reason": "dose without a clear drug name", "heard": heard,
                      "candidates": [{"name": name, "score": score} for name, score in drug_candidates(heard)],
                      "segment_ids": list(sent.segment_ids), "sentence_index": sent.index,
                      "sentence_indices": [sent.index]})
    return items


def _read_back(dose: str, sent: Sentence, sentences: list[Sentence], named: set[int]) -> bool:
    """The dose repeats one said with a drug's name in the turn before: "Okay, 1000 mg twice a day"."""
    return any(s.turn == sent.turn - 1 and s.index in named and dose in s.norm for s in sentences)


def _words_before(text: str) -> str:
    """The last three words before a dose in the nearest clause that has any but fillers ("I'm adding pains on
    my head, 100 milligrams" -> "on my head"), without the fillers that open them."""
    for clause in reversed(re.split(r"[,;.:]", text)):
        words = [w for w in clause.split() if not w.replace(".", "").isdigit()][-3:]
        while words and words[0] in _FILLER:
            words.pop(0)
        if words:
            return " ".join(words)
    return ""
