"""Pack PriMock57's transcripts and clinicians' notes into one fixture file for the note benchmark.

    python tools/pack_primock_notes.py SRC_DIR tests/fixtures/primock57/consultations.json

SRC_DIR holds PriMock57's ``transcripts/`` (one Praat TextGrid per side) and ``notes/``. Each
consultation becomes ``{"file", "src", "tgt", "presenting_complaint", "highlights"}``: ``src`` is the
dialogue as ACI-Bench writes it (one ``[doctor]``/``[patient]`` turn a line, the two channels merged by
start time, consecutive utterances of one side joined), ``tgt`` the consulting GP's note.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from revoice_primock import utterances  # noqa: E402


def dialogue(src_dir: Path, source: str) -> str:
    turns: list[list[str]] = []
    for utt in utterances(src_dir / "transcripts", source):
        side = utt["speaker"].lower()
        if turns and turns[-1][0] == side:
            turns[-1][1] += " " + utt["text"]
        else:
            turns.append([side, utt["text"]])
    return "\n".join(f"[{side}] {text}" for side, text in turns)


def main(argv: list[str]) -> int:
    src_dir, out = Path(argv[1]), Path(argv[2])
    data = []
    for note_file in sorted((src_dir / "notes").glob("day*_consultation*.json")):
        note = json.loads(note_file.read_text(encoding="utf-8"))
        data.append({"file": note_file.stem, "src": dialogue(src_dir, note_file.stem), "tgt": note["note"],
                     "presenting_complaint": note["presenting_complaint"], "highlights": note["highlights"]})
    out.write_text(json.dumps({"source": "PriMock57 (Korfiatis et al., ACL 2022), CC BY 4.0", "data": data},
                              indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(data)} consultations to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
