"""The transcript as clinicians read it (issue 18 s5): `GET /transcriptions/{id}` offers the text with
who said what, as the FHIR transcript DocumentReference already did; `text` stays the plain words."""

from __future__ import annotations

from medisync.interface.http.presenters import transcription

ROW = {"appointment_id": "a-1", "id": "r-1", "transcription_status": "completed", "attempts": 1,
       "document": {"language": "en", "text": "How long have you been thirsty? Two weeks.",
                    "segments": [{"start": 3.2, "end": 5.0, "speaker": "S1", "role": "clinician",
                                  "text": " How long have you been thirsty?"},
                                 {"start": 65.0, "end": 66.1, "speaker": "S2", "role": "patient",
                                  "text": "Two weeks."}]}}


def test_the_transcript_is_offered_with_speaker_labels() -> None:
    shown = transcription(ROW)
    assert shown["labelled_text"].splitlines() == ["[00:03] S1 (clinician): How long have you been thirsty?",
                                                   "[01:05] S2 (patient): Two weeks."]
    assert shown["text"] == "How long have you been thirsty? Two weeks."


def test_no_transcript_yet_has_no_labelled_text() -> None:
    assert transcription({**ROW, "document": None, "transcription_status": "processing"})["labelled_text"] == ""
