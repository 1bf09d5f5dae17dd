"""Document: a file attached to a patient (lab results, referrals, ...)."""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from medisync.domain.actor import Actor
from medisync.domain.errors import InvalidTransitionError, ValidationError
from medisync.domain.phi import DocumentTitle

DOCUMENT_KINDS = ("lab_result", "referral", "imaging", "consent", "other")


class Document(Aggregate):
    class Uploaded(Aggregate.Created):
        practice_id: str
        patient_id: str
        appointment_id: str | None
        kind: str
        blob_key: str
        sha256: str
        size_bytes: int
        content_type: str
        phi: DocumentTitle
        actor: Actor
        sha1: str | None = None

    @event(Uploaded)
    def __init__(self, practice_id: str, patient_id: str, appointment_id: str | None, kind: str,
                 blob_key: str, sha256: str, size_bytes: int, content_type: str,
                 phi: DocumentTitle, actor: Actor, sha1: str | None = None) -> None:
        self.practice_id = practice_id
        self.patient_id = patient_id
        self.appointment_id = appointment_id
        self.kind = kind
        self.blob_key = blob_key
        self.sha256 = sha256
        self.sha1 = sha1  # None in events recorded before FHIR export needed it
        self.size_bytes = size_bytes
        self.content_type = content_type
        self.title = phi.get("title", "")
        self.deleted = False

    @classmethod
    def upload(cls, practice_id: str, patient_id: str, appointment_id: str | None, kind: str, blob_key: str,
               sha256: str, size_bytes: int, content_type: str, phi: DocumentTitle, actor: Actor,
               sha1: str | None = None) -> "Document":
        cls.check_kind(kind)
        return cls(practice_id=practice_id, patient_id=patient_id, appointment_id=appointment_id, kind=kind,
                   blob_key=blob_key, sha256=sha256, size_bytes=size_bytes, content_type=content_type,
                   phi=phi, actor=actor, sha1=sha1)

    @staticmethod
    def check_kind(kind: str) -> None:
        if kind not in DOCUMENT_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(DOCUMENT_KINDS)}", field="kind")

    def delete(self, actor: Actor) -> None:
        if self.deleted:
            raise InvalidTransitionError("document is already deleted")
        self._delete(actor=actor)

    class Deleted(Aggregate.Event):
        actor: Actor

    @event(Deleted)
    def _delete(self, actor: Actor) -> None:
        self.deleted = True
