"""Ports: the roles the application needs from the outside world.

The application layer depends only on these Protocols. Concrete adapters
(filesystem blobs, faster-whisper, resemblyzer, Kafka) live in
``medisync.adapters`` and ``medisync.ml`` and are wired in
``medisync.interface.bootstrap``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

# The shapes the ML ports exchange, defined in the domain (whose aggregates keep them) and
# re-exported here for the ML package, which may import the application but not the domain.
from medisync.domain.note_content import Allergy as Allergy
from medisync.domain.note_content import Diagnosis as Diagnosis
from medisync.domain.note_content import DraftText as DraftText
from medisync.domain.note_content import Insights as Insights
from medisync.domain.note_content import Medication as Medication
from medisync.domain.note_content import NoteDraft as NoteDraft
from medisync.domain.note_content import NoteSection as NoteSection
from medisync.domain.note_content import NoteVersion as NoteVersion
from medisync.domain.note_content import Order as Order
from medisync.domain.note_content import Provenance as Provenance
from medisync.domain.note_content import ReviewCandidate as ReviewCandidate
from medisync.domain.note_content import ReviewItem as ReviewItem
from medisync.domain.note_content import SectionLine as SectionLine
from medisync.domain.note_content import SoapText as SoapText
from medisync.domain.note_content import Symptom as Symptom
from medisync.domain.note_content import VitalKey as VitalKey
from medisync.domain.note_content import VitalReading as VitalReading
from medisync.domain.note_content import Vitals as Vitals
from medisync.domain.note_template import TemplateDefinition as TemplateDefinition
from medisync.domain.note_template import TemplateDescription as TemplateDescription
from medisync.domain.note_template import TemplateSection as TemplateSection
from medisync.domain.transcript import Segment as Segment
from medisync.domain.transcript import Transcript as Transcript
from medisync.domain.transcript import TranscriptModel as TranscriptModel
from medisync.domain.transcript import TranscriptText as TranscriptText
from medisync.domain.transcript import Word as Word


class StoredFile(Protocol):
    """A blob as stored: its key and the digests clients verify it by."""

    key: str
    sha256: str
    sha1: str
    size: int


@dataclass(frozen=True)
class StagedBlob:
    """An upload spooled into the blob store's staging area, not yet a blob (D56).

    The digests are taken while it is written, so storing it never reads it
    again. ``path`` is a local file (probing the audio needs one)."""

    path: str
    size: int
    sha256: str
    sha1: str


class BlobWriter(Protocol):
    """One upload being spooled: ``write`` chunks, then ``finish``; ``abandon`` if it fails."""

    def write(self, chunk: bytes) -> None: ...

    def finish(self) -> StagedBlob: ...

    def abandon(self) -> None: ...


class BlobStore(Protocol):
    """Storage for audio and documents: one blob per upload, never shared (D26).

    An upload is staged, then either committed (it becomes a blob) or
    discarded; the command that decides owns both (D31, D56)."""

    def stage(self) -> BlobWriter:
        """Start spooling an upload into the staging area."""

    def commit(self, staged: StagedBlob) -> StoredFile:
        """Adopt a staged upload as a new blob (a rename: the file is not read again)."""

    def discard(self, staged: StagedBlob) -> None:
        """Remove a staged upload that will not be stored (nothing happens if it is gone)."""

    def open(self, blob_key: str) -> BinaryIO: ...

    def path(self, blob_key: str) -> str:
        """A local filesystem path to the blob (ML backends need a file)."""

    def delete(self, blob_key: str) -> None: ...

    def exists(self, blob_key: str) -> bool: ...


class Transcriber(Protocol):
    """Speech to text with speaker diarization and roles.

    ``transcribe`` returns the transcript document served by
    ``GET /transcriptions/{appointment_id}`` (minus status/metrics).
    """

    def transcribe(self, audio_path: str) -> Transcript: ...


class NoteGenerator(Protocol):
    """Drafts a note from a speaker-attributed transcript into a template.

    ``generate`` returns a ``NoteDraft``; ``template`` is a built-in template
    id, a compiled practice template, or None (``soap``).
    """

    name: str

    def generate(self, transcript: TranscriptText, template: object | None = None) -> NoteDraft:
        """``template``: a built-in template id, a compiled practice template, or None (soap)."""


class BlobReferences(Protocol):
    """Whether anything else still points at a blob (only blobs stored before D26 are shared)."""

    def blob_in_use(self, blob_key: str, except_id: str) -> bool: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class TokenIssuer(Protocol):
    """Signs and verifies short-lived access tokens (JWT)."""

    access_ttl_s: int

    def issue_access(self, user_id: str) -> tuple[str, str]:
        """Return (token, jti)."""

    def verify_access(self, token: str) -> dict[str, Any]:
        """Return the verified claims, or raise AuthenticationError."""


class SessionStore(Protocol):
    """Refresh-token families and revoked access tokens."""

    def create_refresh(self, user_id: str) -> str:
        """Start a new refresh-token family; return its first token."""

    def rotate_refresh(self, token: str) -> tuple[str, str]:
        """Consume a refresh token; return (user id, the family's next token).

        Raises AuthenticationError if the token is unknown, expired or revoked;
        a reused token also revokes its whole family."""

    def revoke_family_of(self, token: str) -> None: ...

    def revoke_access(self, jti: str, expires_at: float) -> None: ...

    def revoke_user(self, user_id: str) -> None: ...


class AccessQueries(Protocol):
    """Read-model facts used for authorization decisions."""

    def doctor_sees_patient(self, practice_id: str, doctor_id: str, patient_id: str) -> bool: ...
