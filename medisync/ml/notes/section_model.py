"""Which note section a spoken sentence belongs to: a linear model learned
from ACI-Bench *train* (``tools/train_section_model.py``), run here in numpy.

Features are the sentence's normalised words and word pairs, its speaker
role, its position in the visit (decile), and whether it is a question or
answers one. The model is TF-IDF (sublinear tf, l2) + multinomial logistic
regression; ``data/section_model.json`` holds the vocabulary, idf, weights and
the selection thresholds (one, and per class where it helps) chosen by
cross-validation on *train* only.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np

from .text import Sentence, asks

NONE = "none"


def sentence_features(sentence: Sentence, position: float, answers_question: bool) -> list[str]:
    """The feature strings of one sentence (training and inference share this)."""
    words = ["__num" if t[:1].isdigit() else t for t in sentence.toks if t[:1].isalnum() or t == "%"]
    feats = [f"__role_{sentence.role}", f"__pos{min(int(position * 10), 9)}",
             f"__q{int(asks(sentence))}", f"__ans{int(answers_question)}"]
    feats += words
    feats += [f"{a}_{b}" for a, b in zip(words, words[1:])]
    feats += [f"{sentence.role[:1]}:{w}" for w in words]
    return feats


@dataclass(frozen=True)
class SectionModel:
    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    threshold: float
    #: a class's own selection threshold on P(none), where cross-validation chose one (D71)
    class_thresholds: dict[str, float] = field(default_factory=dict)

    def keeps(self, kind: str, p_none: float) -> bool:
        """Whether a sentence whose likeliest section is ``kind`` is note material."""
        return p_none <= self.class_thresholds.get(kind, self.threshold)

    def probabilities(self, features: list[list[str]]) -> np.ndarray:
        x = np.zeros((len(features), len(self.vocabulary)), dtype=np.float32)
        for row, feats in enumerate(features):
            counts: dict[int, int] = {}
            for f in feats:
                col = self.vocabulary.get(f)
                if col is not None:
                    counts[col] = counts.get(col, 0) + 1
            for col, n in counts.items():
                x[row, col] = (1.0 + math.log(n)) * self.idf[col]
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        x = x / np.where(norms == 0, 1.0, norms)
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def to_json(self) -> dict:
        inv = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {"classes": list(self.classes), "vocabulary": inv,
                "idf": [round(float(v), 4) for v in self.idf],
                "coef": [[round(float(v), 4) for v in row] for row in self.coef],
                "intercept": [round(float(v), 4) for v in self.intercept],
                "threshold": self.threshold, "class_thresholds": self.class_thresholds}

    @classmethod
    def from_json(cls, raw: dict) -> "SectionModel":
        return cls(tuple(raw["classes"]), {f: i for i, f in enumerate(raw["vocabulary"])},
                   np.asarray(raw["idf"], dtype=np.float32), np.asarray(raw["coef"], dtype=np.float32),
                   np.asarray(raw["intercept"], dtype=np.float32), float(raw["threshold"]),
                   {k: float(v) for k, v in (raw.get("class_thresholds") or {}).items()})


@lru_cache(maxsize=1)
def section_model() -> SectionModel:
    text = resources.files(__package__).joinpath("data/section_model.json").read_text("utf-8")
    return SectionModel.from_json(json.loads(text))
