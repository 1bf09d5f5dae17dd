"""Read model: ``notes`` (one row per appointment) and ``note_versions``."""

from __future__ import annotations

from medisync.domain.clinical_note import SECTIONS, ClinicalNote
from medisync.domain.note_content import Provenance
from medisync.domain.patient import Patient
from medisync.projections.base import ReadModelProjection, oid, stamp
from medisync.projections.changes import ViewChange, delete, insert, update, update_columns


def _opened(e: ClinicalNote.Opened) -> list[ViewChange]:
    return [insert("notes", id=oid(e), practice_id=e.practice_id, appointment_id=e.appointment_id,
                   patient_id=e.patient_id, doctor_id=e.doctor_id, current_version=None,
                   version_count=0, signed=False, created_at=e.timestamp, **stamp(e))]


def _version_row(e: ClinicalNote.Written | ClinicalNote.Generated, status: str, source: str,
                 provenance: Provenance | None) -> ViewChange:
    content = {key: e.phi.get(key, "") for key in SECTIONS}
    return insert("note_versions", note_id=oid(e), patient_id=e.patient_id, version=e.version,
                  status=status,
                  source=source, insights=e.phi.get("insights"), provenance=provenance,
                  template=e.phi.get("template"), sections=e.phi.get("sections"),
                  author_id=e.actor.get("user_id"), created_at=e.at, **content)


def _written(e: ClinicalNote.Written) -> list[ViewChange]:
    return [_version_row(e, e.status, "clinician", None),
            update("notes", {"id": oid(e)}, current_version=e.version, version_count=e.version,
                   **stamp(e))]


def _generated(e: ClinicalNote.Generated) -> list[ViewChange]:
    current = {"current_version": e.version} if e.becomes_current else {}
    return [_version_row(e, "preliminary", "ai", e.provenance.copy()),
            update_columns("notes", {"id": oid(e)}, {"version_count": e.version, **current, **stamp(e)})]


def _signed(e: ClinicalNote.Signed) -> list[ViewChange]:
    return [update("note_versions", {"note_id": oid(e), "version": e.version},
                   signed_by=e.actor.get("user_id"), signed_at=e.at, status=e.status),
            update("notes", {"id": oid(e)}, signed=True, **stamp(e))]


def _patient_erased(e: Patient.Erased) -> list[ViewChange]:
    return [delete("note_versions", patient_id=oid(e)), delete("notes", patient_id=oid(e))]


class NotesProjection(ReadModelProjection):
    name = "notes"
    tables = ("notes", "note_versions")
    handlers = {
        ClinicalNote.Opened: _opened,
        ClinicalNote.Written: _written,
        ClinicalNote.Generated: _generated,
        ClinicalNote.Signed: _signed,
        Patient.Erased: _patient_erased,
    }
