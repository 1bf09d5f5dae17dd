"""A visit's re-taken recording: FHIR marks only the newest file current (issue 18 s1, D42).

Before, every upload of a visit was exported as a `current` DocumentReference, with its own
`current` transcript, so a reader could not tell which audio the note was made from.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from medisync.interface.fhir.record import document_references
from tests.support.fhir import validate

NOW = datetime(2027, 5, 3, 9, 0, tzinfo=timezone.utc)
PATIENT_ID, DOCTOR_ID = str(uuid.uuid4()), str(uuid.uuid4())
BASE = "https://x/api/v1/fhir/Binary"


def _recording(appointment_id: str, minutes: int) -> dict[str, Any]:
    at = NOW + timedelta(minutes=minutes)
    return {"id": str(uuid.uuid4()), "appointment_id": appointment_id, "patient_id": PATIENT_ID,
            "content_type": "audio/wav", "size_bytes": 1000, "sha1": None, "uploaded_by": DOCTOR_ID,
            "created_at": at, "updated_at": at, "version": 1, "transcribed_at": at,
            "document": {"segments": [{"start": 0, "speaker": "S1", "role": "clinician", "text": "Hi."}]}}


def _by_id(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in resources}


def test_only_each_visits_newest_recording_and_transcript_are_current() -> None:
    visit, other_visit = str(uuid.uuid4()), str(uuid.uuid4())
    first, retake, other = _recording(visit, 0), _recording(visit, 5), _recording(other_visit, 1)
    rows = [first, other, retake]
    resources = _by_id(document_references({"recordings": rows, "transcripts": rows, "documents": []}, BASE))
    for resource in resources.values():
        validate(resource)
    for prefix in ("rec", "tx"):
        old, new, alone = (resources[f"{prefix}-{r['id']}"] for r in (first, retake, other))
        assert old["status"] == "superseded"
        assert new["status"] == "current" and alone["status"] == "current"
        assert {"code": "replaces", "target": {"reference": f"DocumentReference/{prefix}-{first['id']}"}} \
            in new["relatesTo"]
        assert not [r for r in alone.get("relatesTo", []) if r["code"] == "replaces"]
