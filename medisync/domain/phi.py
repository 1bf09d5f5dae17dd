"""What the events' ``phi`` fields hold (D63).

The PHI mapper encrypts every event's ``phi`` field with the patient's key, so
each is JSON: a ``TypedDict`` here, a plain dict at runtime. Dates are ISO
strings. A note's content is ``note_content.NoteContent``; a transcript's is
``transcript.TranscriptText``.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class Reason(TypedDict):
    """Why an appointment was booked or cancelled, or a recording deleted."""

    reason: str


class DocumentTitle(TypedDict):
    title: str


class DocumentText(TypedDict):
    """A patient summary's or letter's text (a letter also names its recipient)."""

    text: str
    recipient: NotRequired[str]


class Demographics(TypedDict, total=False):
    """A patient's registration holds every field; an update only those it changes."""

    mrn: str
    first_name: str
    last_name: str
    date_of_birth: str
    sex: str
    phone: str | None
    email: str | None


class HistoryData(TypedDict, total=False):
    description: str
    onset_date: str | None
    resolved_date: str | None
    notes: str | None


class HistoryEntry(HistoryData):
    kind: str
    status: str  # active | resolved


class InsuranceData(TypedDict, total=False):
    payer: str
    plan: str | None
    member_id: str
    group_number: str | None
    valid_from: str | None
    valid_to: str | None


class Policy(InsuranceData):
    primary: bool
