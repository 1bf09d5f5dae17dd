"""The section model's selection thresholds: one for every class, or a class's own (D71)."""

from __future__ import annotations

import dataclasses

import numpy as np

from medisync.ml.notes.section_model import SectionModel, section_model


def _model(**per_class: float) -> SectionModel:
    return SectionModel(("ap", "exam", "none"), {"murmur": 0}, np.ones(1, dtype=np.float32),
                        np.zeros((3, 1), dtype=np.float32), np.zeros(3, dtype=np.float32), 0.8, per_class)


def test_a_class_threshold_overrides_the_shared_one_for_that_class_only() -> None:
    model = _model(exam=0.9, ap=0.7)
    assert model.keeps("exam", 0.85) and not model.keeps("ap", 0.75)
    assert model.keeps("hpi", 0.8) and not model.keeps("hpi", 0.81)


def test_thresholds_survive_the_json_round_trip() -> None:
    model = _model(exam=0.9)
    again = SectionModel.from_json(model.to_json())
    assert again.threshold == 0.8 and again.class_thresholds == {"exam": 0.9}
    legacy = {k: v for k, v in model.to_json().items() if k != "class_thresholds"}
    assert SectionModel.from_json(legacy).class_thresholds == {}


def test_the_shipped_model_has_sane_thresholds() -> None:
    model = section_model()
    assert 0.5 < model.threshold < 1.0
    assert set(model.class_thresholds) <= set(model.classes) - {"none"}
    assert all(0.5 < v < 1.0 for v in model.class_thresholds.values())
    assert dataclasses.replace(model, class_thresholds={}).keeps("hpi", model.threshold)
