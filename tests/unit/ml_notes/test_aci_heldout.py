"""Note quality floors on ACI-Bench *valid*, which nothing here was tuned on.

The section model and its threshold were fitted on ACI-Bench train only
(tools/train_section_model.py). Figures: bench/ml_aci.py; docs/ml-notes.md.
"""

from __future__ import annotations

import re

import pytest

from bench.ml_aci import drafted, drafter, load_split, rouge, turns_text

pytest.importorskip("rouge_score", reason="rouge-score is a dev dependency (setup.py extras 'dev')")


@pytest.fixture(scope="module")
def valid() -> list[dict[str, str]]:
    return load_split("valid")


def test_hp_rouge_floor_and_above_the_transcript_baselines(valid: list[dict[str, str]]) -> None:
    refs = [e["tgt"] for e in valid]
    ours = rouge([drafter("hp")(e) for e in valid], refs)
    whole = rouge([turns_text(e["src"]) for e in valid], refs)
    first12 = rouge([turns_text(e["src"], "doctor", 12) for e in valid], refs)
    assert ours["rouge1"] >= 45.0, ours          # 47.5 measured (docs/ml-notes.md); margin for CPU/BLAS
    assert ours["rouge1"] > whole["rouge1"] + 5 and ours["rouge1"] > first12["rouge1"] + 5
    assert ours["rouge2"] > whole["rouge2"] and ours["rougeLsum"] > whole["rougeLsum"]


def test_no_pasted_conversation_in_held_out_notes(valid: list[dict[str, str]]) -> None:
    for encounter in valid:
        note = drafted(encounter["src"], "hp")
        spoken = [line["text"] for s in note["sections"] for line in s["lines"] if line["origin"] == "transcript"]
        for text in spoken:
            assert not text.endswith("?"), text
            assert not re.search(r"\b(you|your|um|uh)\b", text, re.IGNORECASE), text


def test_chief_complaint_floor_on_held_out_visits() -> None:
    from bench.ml_aci import chief_complaints

    cc = chief_complaints("valid")
    assert cc["visits"] >= 15
    # 40.7 measured (19.1 with the symptom-first chief complaint, 38.3 before D75); docs/ml-notes.md
    assert cc["medisync"] >= 33.0 and cc["medisync"] > cc["baseline: first patient statement"] + 20, cc


def test_problem_grouping_agrees_with_the_scribes_on_held_out_visits() -> None:
    """Drug lines the hp A&P puts under a problem, against the scribe's problem blocks (D88, D89: 6 right,
    0 wrong, 12 left ungrouped on valid; 34 / 0 / 41 on train)."""
    from bench.ml_aci import problem_grouping

    grouped = problem_grouping("valid")
    assert grouped["grouped_right"] >= 5 and grouped["precision"] >= 0.9, grouped
