"""Read model: ``note_documents``: patient summaries and letters drawn from notes."""

from __future__ import annotations

from medisync.domain.note_document import NoteDocument
from medisync.domain.patient import Patient
from medisync.projections.base import ReadModelProjection, oid, stamp
from medisync.projections.changes import ViewChange, delete, insert, update


def _generated(e: NoteDocument.Generated) -> list[ViewChange]:
    return [insert("note_documents", id=oid(e), practice_id=e.practice_id, appointment_id=e.appointment_id,
                   patient_id=e.patient_id, doctor_id=e.doctor_id, note_id=e.note_id,
                   note_version=e.note_version, note_signed=e.note_signed, kind=e.kind,
                   recipient=e.phi.get("recipient"), text=e.phi.get("text", ""),
                   reading_grade=e.reading_grade, status="generated", sent_channel=None, sent_at=None,
                   author_id=e.actor.get("user_id"), created_at=e.timestamp, **stamp(e))]


def _edited(e: NoteDocument.Edited) -> list[ViewChange]:
    return [update("note_documents", {"id": oid(e)}, text=e.phi.get("text", ""),
                   reading_grade=e.reading_grade, status="edited", **stamp(e))]


def _sent(e: NoteDocument.Sent) -> list[ViewChange]:
    return [update("note_documents", {"id": oid(e)}, status="sent", sent_channel=e.channel,
                   sent_at=e.at, **stamp(e))]


def _patient_erased(e: Patient.Erased) -> list[ViewChange]:
    return [delete("note_documents", patient_id=oid(e))]


class NoteDocumentsProjection(ReadModelProjection):
    name = "note_documents"
    tables = ("note_documents",)
    handlers = {
        NoteDocument.Generated: _generated,
        NoteDocument.Edited: _edited,
        NoteDocument.Sent: _sent,
        Patient.Erased: _patient_erased,
    }
