"""The speech bench keeps a blind visit's transcript and per-visit scores out of its results and its table (D293)."""
from __future__ import annotations

from typing import Any

import pytest

from bench.ml_speech import aggregates_only, print_table


def _file(fid: str, split: str, said: bool) -> dict[str, Any]:
    return {"id": fid, "kind": "synthetic", "split": split, "duration_s": 60.0, "wer": 0.1, "medical_wer": 0.3,
            "der": 0.0, "der_turns": 0.0, "speakers_true": 2, "speakers_est": 2, "role_accuracy": 1.0,
            "role_seconds": [50.0, 50.0], "rtf_asr": 0.1, "rtf_total": 0.2, "seconds": {"asr": 6.0, "total": 12.0},
            "restored": [{"drug": "lisinopril", "heard": "lies in April", "said": said}], "vitals_restored": [],
            "hypothesis": f"the words of {fid}"}


def _pooled() -> dict[str, Any]:
    return {"wer": 0.1, "medical_wer": 0.3, "der": 0.0, "der_turns": 0.0, "speaker_count_correct": 1, "files": 1,
            "role_accuracy": 1.0, "role_accuracy_dur": 1.0, "rtf_asr": 0.1, "rtf_total": 0.2}


def test_a_blind_visit_keeps_only_its_id_and_the_pooled_figures_count_its_names(capsys: pytest.CaptureFixture[str]) -> None:
    result = {"model": "base", "options": {}, "asr_only": False, "model_load_s": 1.0, "peak_rss_mb": 500,
              "files": [_file("blind-01", "blind", True), _file("blind-02", "blind", False), _file("heldout-01", "heldout", True)],
              "overall": {"blind": _pooled(), "heldout": _pooled()}}
    out = aggregates_only(result)
    assert out["files"][:2] == [{"id": "blind-01", "split": "blind"}, {"id": "blind-02", "split": "blind"}]
    assert out["files"][2]["hypothesis"] == "the words of heldout-01"
    assert (out["overall"]["blind"]["restored"], out["overall"]["blind"]["restored_not_said"]) == (2, 1)
    print_table(out)
    printed = capsys.readouterr().out
    assert "blind-01" not in printed and "lies in April" in printed  # the held-out visit's name only
    assert printed.count("lies in April") == 1


def test_a_run_without_blind_visits_is_unchanged() -> None:
    result = {"files": [_file("heldout-01", "heldout", True)], "overall": {"heldout": _pooled()}}
    assert aggregates_only(result) is result
