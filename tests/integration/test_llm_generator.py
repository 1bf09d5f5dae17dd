"""The premium "llm" note generator against a small local OpenAI-compatible
server that this test starts (no real LLM runs in CI): the prompt carries the
extracted facts, identifiers are scrubbed before the text leaves, invalid
answers are retried, and the API offers the generator to premium users only."""

from __future__ import annotations

import json
from typing import Iterator

import pytest

from medisync.ml.notes.llm import InvalidDraftError, LlmNoteGenerator
from tests.support.fake_llm import VALID, FakeChatServer

TRANSCRIPT = {"text": "", "segments": [
    {"speaker": "SPEAKER_1", "role": "clinician", "start": 0, "end": 4,
     "text": "Good morning Mister Quimby, I am Doctor Stone. Call me at 555-201-3344."},
    {"speaker": "SPEAKER_2", "role": "patient", "start": 4, "end": 9,
     "text": "My blood pressure at home is one hundred fifty over ninety five."},
    {"speaker": "SPEAKER_1", "role": "clinician", "start": 9, "end": 14,
     "text": "Your blood pressure today is one hundred forty eight over ninety four. "
             "We will increase lisinopril to twenty milligrams once daily."}]}


@pytest.fixture
def chat() -> Iterator[FakeChatServer]:
    server = FakeChatServer(["this is not json", json.dumps({"subjective": "only one"}), json.dumps(VALID)])
    yield server
    server.close()


def test_invalid_answers_are_retried_and_identifiers_scrubbed(chat: FakeChatServer) -> None:
    draft = LlmNoteGenerator(chat.url, "test-model", api_key="k-123").generate(TRANSCRIPT)
    assert {k: draft[k] for k in VALID} == VALID
    assert draft["provenance"] == {"generator": "llm", "generator_version": "1.1.0", "model": "test-model"}
    assert draft["insights"]["vitals"]["bp_systolic"] == 148
    assert len(chat.requests) == 3 and chat.requests[0]["path"] == "/v1/chat/completions"
    assert chat.requests[0]["auth"] == "Bearer k-123"
    prompt = json.dumps(chat.requests[0]["messages"])
    assert "lisinopril" in prompt and "Extracted facts" in prompt
    assert "Quimby" not in prompt and "Stone" not in prompt and "555-201-3344" not in prompt
    assert "not JSON" in chat.requests[1]["messages"][-1]["content"]


def test_template_sections_are_asked_for_and_returned_in_order() -> None:
    hp = {"chief_complaint": "Hypertension follow-up.", "history_of_present_illness": "Home readings 150/95.",
          "review_of_systems": "Not discussed.", "physical_examination": "BP 148/94.",
          "results": "None reviewed.", "assessment_and_plan": "Hypertension. Increase lisinopril to 20 mg daily."}
    server = FakeChatServer([json.dumps({"subjective": "a soap answer is not an hp note"}), json.dumps(hp)])
    try:
        draft = LlmNoteGenerator(server.url, "m").generate(TRANSCRIPT, template="hp")
        system = server.requests[0]["messages"][0]["content"]
    finally:
        server.close()
    assert "HISTORY OF PRESENT ILLNESS" in system and "assessment_and_plan" in system
    assert draft["template"] == "hp" and [s["key"] for s in draft["sections"]] == list(hp)
    assert [s["text"] for s in draft["sections"]] == list(hp.values())
    assert draft["text"].startswith("CHIEF COMPLAINT") and draft["assessment"].startswith("Hypertension.")
    assert "missing or empty string fields" in server.requests[1]["messages"][-1]["content"]


def test_gives_up_after_max_attempts() -> None:
    server = FakeChatServer(["nope", "still nope"])
    try:
        with pytest.raises(InvalidDraftError):
            LlmNoteGenerator(server.url, "m", max_attempts=2).generate(TRANSCRIPT)
    finally:
        server.close()
