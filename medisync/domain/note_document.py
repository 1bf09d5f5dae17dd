"""NoteDocument: a document for or about the patient drawn from one note version:
the plain-language patient summary, or a letter (referral, work note, letter to
the GP). Generated, edited and sent are events; the text and the recipient are
PHI (``phi``), the kind, the note version and the channel are not (D48).
"""

from __future__ import annotations

from datetime import datetime, timezone
from eventsourcing.domain import Aggregate, event

from medisync.domain.actor import Actor
from medisync.domain.errors import InvalidTransitionError, ValidationError
from medisync.domain.phi import DocumentText

PATIENT_SUMMARY = "patient_summary"
LETTER_KINDS = ("referral", "work_note", "to_gp")
KINDS = (PATIENT_SUMMARY, *LETTER_KINDS)
CHANNELS = ("print", "patient_portal", "email", "fax", "post")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class NoteDocument(Aggregate):
    class Generated(Aggregate.Created):
        practice_id: str
        appointment_id: str
        patient_id: str
        doctor_id: str
        note_id: str
        note_version: int
        note_signed: bool
        kind: str
        phi: DocumentText
        reading_grade: float | None
        actor: Actor

    @event(Generated)
    def __init__(self, practice_id: str, appointment_id: str, patient_id: str, doctor_id: str,
                 note_id: str, note_version: int, note_signed: bool, kind: str, phi: DocumentText,
                 reading_grade: float | None, actor: Actor) -> None:
        self.practice_id = practice_id
        self.appointment_id = appointment_id
        self.patient_id = patient_id
        self.doctor_id = doctor_id
        self.note_id = note_id
        self.note_version = note_version
        self.kind = kind
        self.text = phi.get("text", "")
        self.recipient = phi.get("recipient")
        self.reading_grade = reading_grade
        self.sent: list[dict[str, str]] = []

    @classmethod
    def generate(cls, practice_id: str, appointment_id: str, patient_id: str, doctor_id: str, note_id: str,
                 note_version: int, note_signed: bool, kind: str, phi: DocumentText,
                 reading_grade: float | None, actor: Actor) -> "NoteDocument":
        if kind not in KINDS:
            raise ValidationError(f"kind must be one of {', '.join(KINDS)}", field="kind")
        return cls(practice_id=practice_id, appointment_id=appointment_id, patient_id=patient_id,
                   doctor_id=doctor_id, note_id=note_id, note_version=note_version, note_signed=note_signed,
                   kind=kind, phi=phi, reading_grade=reading_grade, actor=actor)

    def edit(self, text: str, reading_grade: float | None, actor: Actor) -> bool:
        if self.sent:
            raise InvalidTransitionError("the document was sent; generate a new one to change it")
        if text == self.text:
            return False
        self._edit(patient_id=self.patient_id, phi={"text": text}, reading_grade=reading_grade, actor=actor)
        return True

    class Edited(Aggregate.Event):
        patient_id: str
        phi: DocumentText
        reading_grade: float | None
        actor: Actor

    @event(Edited)
    def _edit(self, patient_id: str, phi: DocumentText, reading_grade: float | None,
              actor: Actor) -> None:
        self.text = phi.get("text", "")
        self.reading_grade = reading_grade

    def send(self, channel: str, actor: Actor) -> None:
        if channel not in CHANNELS:
            raise ValidationError(f"channel must be one of {', '.join(CHANNELS)}", field="channel")
        self._send(channel=channel, at=_now(), actor=actor)

    class Sent(Aggregate.Event):
        channel: str
        at: str
        actor: Actor

    @event(Sent)
    def _send(self, channel: str, at: str, actor: Actor) -> None:
        self.sent.append({"channel": channel, "at": at})
