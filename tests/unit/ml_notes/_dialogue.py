"""Helpers to build small transcripts for the note-generator tests."""

from __future__ import annotations

from typing import Any


def transcript(*turns: tuple[str, str]) -> dict[str, Any]:
    """``transcript(("D", "Any fever?"), ("P", "No."))``: D = clinician, P = patient, F = other."""
    roles = {"D": "clinician", "P": "patient", "F": "other"}
    segs = []
    t = 0.0
    for spk, text in turns:
        segs.append({"start": t, "end": t + 2.0, "speaker": spk, "role": roles[spk], "text": text, "words": []})
        t += 2.5
    return {"language": "en", "text": " ".join(s["text"] for s in segs), "segments": segs}


def insights(*turns: tuple[str, str]) -> dict[str, Any]:
    from medisync.ml.notes import ExtractiveNoteGenerator

    return ExtractiveNoteGenerator().generate(transcript(*turns))["insights"]


def symptom_map(ins: dict[str, Any]) -> dict[str, tuple[bool, str | None]]:
    return {s["name"]: (s["present"], s["duration"]) for s in ins["symptoms"]}


def medication_map(*turns: tuple[str, str]) -> dict[str, tuple[str | None, str | None]]:
    """{name: (dose, frequency)} of the medications the note lists."""
    return {m["name"]: (m["dose"], m["frequency"]) for m in insights(*turns)["medications"]}


def medications_by_name(*turns: tuple[str, str]) -> dict[str, dict[str, Any]]:
    """{name: medication} of the medications the note lists."""
    return {m["name"]: m for m in insights(*turns)["medications"]}
