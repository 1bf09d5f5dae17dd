"""Read model: ``documents`` attached to patients."""

from __future__ import annotations

from medisync.domain.document import Document
from medisync.domain.patient import Patient
from medisync.projections.base import ReadModelProjection, oid, stamp
from medisync.projections.changes import ViewChange, delete, insert, update


def _uploaded(e: Document.Uploaded) -> list[ViewChange]:
    return [insert("documents", id=oid(e), practice_id=e.practice_id, patient_id=e.patient_id,
                   appointment_id=e.appointment_id, kind=e.kind, title=e.phi.get("title", ""),
                   blob_key=e.blob_key, sha256=e.sha256, sha1=getattr(e, "sha1", None),
                   size_bytes=e.size_bytes,
                   content_type=e.content_type, uploaded_by=e.actor.get("user_id"),
                   deleted=False, created_at=e.timestamp, **stamp(e))]


def _deleted(e: Document.Deleted) -> list[ViewChange]:
    return [update("documents", {"id": oid(e)}, deleted=True, **stamp(e))]


def _patient_erased(e: Patient.Erased) -> list[ViewChange]:
    return [delete("documents", patient_id=oid(e))]


class DocumentsProjection(ReadModelProjection):
    name = "documents"
    tables = ("documents",)
    handlers = {Document.Uploaded: _uploaded, Document.Deleted: _deleted,
                Patient.Erased: _patient_erased}
