"""Transcripts from files: ``[doctor] ...`` dialogue text (as in ACI-Bench) or
a transcript JSON in the API's shape (``{"segments": [...]}``)."""

from __future__ import annotations

import json
import re
from typing import cast

from medisync.application.ports import Segment, TranscriptText

_TAG = re.compile(r"^\s*\[([A-Za-z_ -]+)\]\s*(.*)$")
_CLINICIAN_TAGS = ("doctor", "clinician", "physician", "nurse", "provider", "dr", "guest_clinician")


def role_of_tag(tag: str) -> str:
    t = tag.strip().lower()
    if t in _CLINICIAN_TAGS:
        return "clinician"
    return "patient" if t == "patient" else "other"


def parse_dialogue_text(text: str) -> TranscriptText:
    """One turn a line, ``[speaker] words``; untagged lines continue the last turn."""
    segments: list[Segment] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _TAG.match(line)
        if m:
            tag = m.group(1).strip().lower()
            segments.append({"speaker": tag, "role": role_of_tag(tag), "text": m.group(2).strip()})
        elif segments:
            segments[-1]["text"] = (segments[-1]["text"] + " " + line.strip()).strip()
        else:
            segments.append({"speaker": "unknown", "role": "unknown", "text": line.strip()})
    return {"segments": segments, "text": " ".join(s["text"] for s in segments)}


def load_transcript(raw: str) -> TranscriptText:
    """A transcript from file contents: JSON in the API's shape, or dialogue text."""
    stripped = raw.lstrip()
    if stripped.startswith("{"):
        doc = json.loads(raw)
        doc = doc.get("document", doc) if isinstance(doc, dict) else doc
        if not isinstance(doc, dict) or not isinstance(doc.get("segments"), list):
            raise ValueError("a transcript JSON needs a 'segments' list (the API's transcript shape)")
        return cast(TranscriptText, doc)
    return parse_dialogue_text(raw)
