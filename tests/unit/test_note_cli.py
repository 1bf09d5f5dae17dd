"""`medisync note draft` over real files, through the same generator the API uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medisync.interface.cli import main

DIALOGUE = """[doctor] hi , how are you doing today ?
[patient] i have had a cough for two weeks and i feel short of breath .
[doctor] any fever ?
[patient] no fever .
[doctor] your lungs have some wheezing on the right side .
[doctor] my assessment is acute bronchitis . i am going to prescribe albuterol two puffs every four hours as needed .
[doctor] come back in two weeks if it is not better .
"""


@pytest.fixture
def dialogue(tmp_path: Path) -> Path:
    path = tmp_path / "visit.txt"
    path.write_text(DIALOGUE, encoding="utf-8")
    return path


def test_plain_text_note_with_hp_headings(dialogue: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["note", "draft", "--template", "hp", str(dialogue)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CHIEF COMPLAINT") and "HISTORY OF PRESENT ILLNESS" in out
    assert "albuterol" in out.lower() and "you " not in out.lower()


def test_json_one_object_per_path(dialogue: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    api_shape = tmp_path / "transcript.json"
    api_shape.write_text(json.dumps({"segments": [
        {"speaker": "SPEAKER_00", "role": "clinician", "text": "Your blood pressure is 150 over 95 today.",
         "start": 0.0, "end": 3.0},
        {"speaker": "SPEAKER_01", "role": "patient", "text": "I have been getting headaches every morning.",
         "start": 3.2, "end": 6.0}]}), encoding="utf-8")
    assert main(["note", "draft", "--json", str(dialogue), str(api_shape)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["source"] for r in rows] == [str(dialogue), str(api_shape)]
    for row in rows:
        assert set(row) == {"source", "template", "sections", "text", "insights", "provenance"}
        assert row["template"] == "soap" and [s["key"] for s in row["sections"]][0] == "subjective"
    assert rows[1]["insights"]["vitals"]["bp_systolic"] == 150


def test_bad_input_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"turns": []}', encoding="utf-8")
    assert main(["note", "draft", "--json", str(broken)]) == 2
    assert "segments" in capsys.readouterr().err
    assert main(["note", "draft", "--template", "limerick", str(broken)]) == 2
    assert main(["note", "draft", str(tmp_path / "missing.txt")]) == 2
