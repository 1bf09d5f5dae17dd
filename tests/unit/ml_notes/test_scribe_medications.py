"""The scribe's medications the benchmarks compare with (D104): allergy lines name no medication, and
a sourced variant of a curated drug counts once, by its curated name."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from bench.ml_notes import scribe_medications  # noqa: E402


def test_an_allergy_line_names_no_medication() -> None:
    assert scribe_medications("Allergic to clindamycin\nPlan: nitrofurantoin for 3/7") == {"nitrofurantoin"}


def test_a_sourced_variant_is_its_curated_drug() -> None:
    assert scribe_medications("DH: salbutamol inhalers PRN") == {"albuterol"}
