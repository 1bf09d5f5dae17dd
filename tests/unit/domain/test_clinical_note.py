"""ClinicalNote versions: clinician writes, signing, amendments and AI drafts."""

from __future__ import annotations

from typing import Any

import pytest

from medisync.domain.clinical_note import ClinicalNote
from medisync.domain.errors import ConflictError, InvalidTransitionError
from medisync.domain.ids import derived_id

DOCTOR = {"user_id": "doc-1", "practice_id": "p-1", "request_id": ""}
SYSTEM = {"user_id": "system", "practice_id": "p-1", "request_id": ""}
SOAP = {"subjective": "thirsty", "objective": "BP 138/86", "assessment": "T2DM", "plan": "metformin"}
PROVENANCE = {"generator": "extractive", "generator_version": "1", "model": None}


def new_note() -> ClinicalNote:
    note = ClinicalNote(practice_id="p-1", appointment_id="ap-1", patient_id="pat-1", doctor_id="doc-1",
                        actor=DOCTOR)
    assert note.id == derived_id("note", "ap-1") == ClinicalNote.create_id("ap-1")
    assert (note.current, note.versions, note.signed) == (None, [], False)
    note.collect_events()
    return note


def names(note: ClinicalNote) -> list[str]:
    return [type(e).__qualname__ for e in note.collect_events()]


def generate(note: ClinicalNote, plan: str = "ai plan") -> None:
    note.record_generated(phi={**SOAP, "plan": plan, "insights": {"x": 1}}, provenance=PROVENANCE,
                          actor=SYSTEM)


def summary(note: ClinicalNote) -> list[tuple[Any, ...]]:
    return [(v["version"], v["status"], v["source"]) for v in note.versions]


def test_write_makes_a_preliminary_clinician_version() -> None:
    note = new_note()
    note.write(phi=SOAP, actor=DOCTOR)
    current = note.current
    assert current is not None and note.current_version == 1
    assert (current["status"], current["source"], current["author_id"]) == ("preliminary", "clinician", "doc-1")
    assert current["plan"] == "metformin" and current["free_text"] == "" and current["signed_by"] is None
    events = note.collect_events()
    assert [type(e).__qualname__ for e in events] == ["ClinicalNote.Written"]
    assert (events[0].version, events[0].status) == (1, "preliminary")


def test_sign_makes_final_then_write_is_amended_then_amendment_can_be_signed() -> None:
    note = new_note()
    note.write(phi=SOAP, actor=DOCTOR)
    note.sign(actor=DOCTOR)
    assert note.signed and note.current["status"] == "final" and note.current["signed_by"] == "doc-1"
    assert note.current["signed_at"]
    note.write(phi={**SOAP, "plan": "add HbA1c"}, actor=DOCTOR)
    assert note.current_version == 2 and note.current["status"] == "amended"
    assert note.current["signed_by"] is None
    note.sign(actor=DOCTOR)
    assert summary(note) == [(1, "final", "clinician"), (2, "amended", "clinician")]
    assert note.versions[1]["signed_by"] == "doc-1"
    assert names(note) == ["ClinicalNote.Written", "ClinicalNote.Signed", "ClinicalNote.Written",
                           "ClinicalNote.Signed"]


def test_sign_twice_refused() -> None:
    note = new_note()
    note.write(phi=SOAP, actor=DOCTOR)
    note.sign(actor=DOCTOR)
    note.collect_events()
    with pytest.raises(ConflictError, match="already signed"):
        note.sign(actor=DOCTOR)
    assert note.collect_events() == [] and note.current["status"] == "final"


def test_nothing_to_sign_refused() -> None:
    note = new_note()
    with pytest.raises(InvalidTransitionError, match="no note"):
        note.sign(actor=DOCTOR)
    assert note.collect_events() == []


def test_ai_draft_becomes_current_when_nothing_is_written() -> None:
    note = new_note()
    generate(note)
    assert note.current_version == 1 and note.current["source"] == "ai"
    assert note.current["provenance"] == PROVENANCE and note.current["insights"] == {"x": 1}
    assert note.current["author_id"] == "system" and note.current["status"] == "preliminary"
    generate(note, plan="second draft")
    assert note.current_version == 2 and note.current["plan"] == "second draft"
    events = note.collect_events()
    assert [type(e).__qualname__ for e in events] == ["ClinicalNote.Generated"] * 2
    assert [e.becomes_current for e in events] == [True, True]


def test_ai_draft_never_replaces_a_clinician_version() -> None:
    note = new_note()
    generate(note)
    note.write(phi=SOAP, actor=DOCTOR)
    generate(note, plan="late draft")
    assert note.current_version == 2 and note.current["source"] == "clinician"
    assert note.current["plan"] == "metformin"
    assert summary(note) == [(1, "preliminary", "ai"), (2, "preliminary", "clinician"),
                             (3, "preliminary", "ai")]
    assert [e.becomes_current for e in note.collect_events() if hasattr(e, "becomes_current")] == [True, False]


def test_ai_draft_never_replaces_a_signed_version() -> None:
    note = new_note()
    note.write(phi=SOAP, actor=DOCTOR)
    note.sign(actor=DOCTOR)
    generate(note)
    assert note.current_version == 1 and note.current["status"] == "final"
    # Even a signed AI draft stays current when a newer draft arrives.
    signed_draft = new_note()
    generate(signed_draft)
    signed_draft.sign(actor=DOCTOR)
    assert signed_draft.current["status"] == "final" and signed_draft.current["source"] == "ai"
    generate(signed_draft, plan="newer")
    assert signed_draft.current_version == 1 and signed_draft.current["signed_by"] == "doc-1"
    assert summary(signed_draft) == [(1, "final", "ai"), (2, "preliminary", "ai")]


def test_an_addendum_keeps_the_signed_sections_it_leaves_out() -> None:
    """D40: a field left out keeps the current version's content; an amendment never blanks it."""
    note = new_note()
    note.write(phi={**SOAP, "free_text": "first visit"}, actor=DOCTOR)
    note.sign(actor=DOCTOR)
    note.collect_events()
    note.write(phi={"free_text": "Addendum: HbA1c 8.1 %."}, actor=DOCTOR)
    amended = note.current
    assert (amended["version"], amended["status"]) == (2, "amended")
    assert {key: amended[key] for key in SOAP} == SOAP
    assert amended["free_text"] == "Addendum: HbA1c 8.1 %."
    (written,) = note.collect_events()  # the event holds the whole version, not a diff
    assert {key: written.phi[key] for key in SOAP} == SOAP
    note.write(phi={"plan": ""}, actor=DOCTOR)  # an explicit "" clears a section
    assert note.current["plan"] == "" and note.current["subjective"] == "thirsty"


def test_a_clinician_version_never_adopts_an_unsigned_drafts_facts_silently() -> None:
    """D39: left-out insights keep only facts a clinician wrote or signed."""
    note = new_note()
    generate(note)
    note.write(phi={"plan": "atorvastatin 20 mg"}, actor=DOCTOR)
    assert note.current["insights"] is None and note.current["subjective"] == "thirsty"
    corrected = {"medications": [{"name": "atorvastatin", "status": "active"}]}
    note.write(phi={"insights": corrected}, actor=DOCTOR)
    note.write(phi={"assessment": "T2DM, improving"}, actor=DOCTOR)  # the clinician's facts stay
    assert note.current["insights"] == corrected and note.current["plan"] == "atorvastatin 20 mg"
    note.write(phi={"insights": None}, actor=DOCTOR)
    assert note.current["insights"] is None


def test_an_amendment_keeps_the_facts_of_a_signed_draft() -> None:
    note = new_note()
    generate(note)
    note.sign(actor=DOCTOR)  # the doctor signed the AI draft as it was: its facts are confirmed
    note.write(phi={"free_text": "Addendum."}, actor=DOCTOR)
    assert note.current["insights"] == {"x": 1} and note.current["plan"] == "ai plan"
    assert summary(note) == [(1, "final", "ai"), (2, "amended", "clinician")]
