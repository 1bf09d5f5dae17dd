"""ClinicalNote: one per appointment, every version kept.

A clinician's write makes a ``preliminary`` clinician version; signing makes
the current version ``final`` and locks it; a write after signing is an
``amended`` version. An AI draft is appended as a ``preliminary`` ai version
and only becomes current while nothing a clinician wrote is current, so a
generated draft never overwrites a clinician's edits or a signed note.

Each event states its outcome (version number, resulting status, whether it
became current), so projections and auditors read facts, not re-derive rules.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Mapping, cast
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from medisync.domain.actor import Actor
from medisync.domain.errors import ConflictError, InvalidTransitionError
from medisync.domain.ids import derived_id
from medisync.domain.note_content import NoteContent, NoteVersion, Provenance

SECTIONS = ("subjective", "objective", "assessment", "plan", "free_text")
# What a clinician's write keeps from the current version when left out (D40). ``template`` is
# the optional template name; the template ``sections`` are not kept: their text (with its
# transcript provenance) was drafted with the S/O/A/P a write may change, so a copy could
# disagree with the version it sits in.
KEPT_WHEN_OMITTED = (*SECTIONS, "template")


def _now() -> str:
    # The time is an event field, so replaying the history reproduces it.
    return datetime.now(timezone.utc).isoformat()


class ClinicalNote(Aggregate):
    @staticmethod
    def create_id(appointment_id: str, **_: object) -> UUID:
        return derived_id("note", appointment_id)

    class Opened(Aggregate.Created):
        practice_id: str
        appointment_id: str
        patient_id: str
        doctor_id: str
        actor: Actor

    @event(Opened)
    def __init__(self, practice_id: str, appointment_id: str, patient_id: str, doctor_id: str,
                 actor: Actor) -> None:
        self.practice_id = practice_id
        self.appointment_id = appointment_id
        self.patient_id = patient_id
        self.doctor_id = doctor_id
        self.versions: list[NoteVersion] = []
        self.current_version: int | None = None
        self.signed = False

    @property
    def current(self) -> NoteVersion | None:
        if self.current_version is None:
            return None
        return self.versions[self.current_version - 1]

    def write(self, phi: NoteContent, actor: Actor) -> None:
        """A clinician's version: what ``phi`` holds, the current version's content for the rest.

        A field left out keeps the current version's text (send ``""`` to clear it), so an
        addendum never blanks signed sections. ``insights`` left out keep only facts a clinician
        stands behind (written in a clinician version, or signed): an unsigned AI draft's facts
        are never adopted silently. The event holds the whole resulting content (D39, D40).
        """
        status = "amended" if self.signed else "preliminary"
        self._write(patient_id=self.patient_id, phi={**self._kept_content(), **phi},
                    version=len(self.versions) + 1, status=status, at=_now(), actor=actor)

    def _kept_content(self) -> NoteContent:
        current = self.current
        if current is None:
            return {"insights": None}
        row: Mapping[str, object] = current
        kept = cast(NoteContent, {key: row[key] for key in KEPT_WHEN_OMITTED if key in row})
        vouched = current["source"] == "clinician" or bool(current.get("signed_by"))
        return {**kept, "insights": current.get("insights") if vouched else None}

    class Written(Aggregate.Event):
        patient_id: str
        phi: NoteContent
        version: int
        status: str
        at: str
        actor: Actor

    @event(Written)
    def _write(self, patient_id: str, phi: NoteContent, version: int, status: str, at: str,
               actor: Actor) -> None:
        self._append(phi, version=version, status=status, source="clinician",
                     author_id=actor["user_id"], at=at, provenance=None)
        self.current_version = version

    def record_generated(self, phi: NoteContent, provenance: Provenance,
                         actor: Actor) -> None:
        current = self.current
        becomes_current = current is None or (current["source"] == "ai" and not self.signed)
        self._record_generated(patient_id=self.patient_id, phi=phi, provenance=provenance,
                               version=len(self.versions) + 1, becomes_current=becomes_current,
                               at=_now(), actor=actor)

    class Generated(Aggregate.Event):
        patient_id: str
        phi: NoteContent
        provenance: Provenance
        version: int
        becomes_current: bool
        at: str
        actor: Actor

    @event(Generated)
    def _record_generated(self, patient_id: str, phi: NoteContent, provenance: Provenance,
                          version: int, becomes_current: bool, at: str,
                          actor: Actor) -> None:
        self._append(phi, version=version, status="preliminary", source="ai",
                     author_id=actor["user_id"], at=at, provenance=provenance)
        if becomes_current:
            self.current_version = version

    def sign(self, actor: Actor) -> None:
        current = self.current
        if current is None:
            raise InvalidTransitionError("there is no note to sign")
        if current.get("signed_by"):
            raise ConflictError("the current version is already signed")
        status = "final" if current["status"] == "preliminary" else current["status"]
        self._sign(version=current["version"], status=status, at=_now(), actor=actor)

    class Signed(Aggregate.Event):
        version: int
        status: str
        at: str
        actor: Actor

    @event(Signed)
    def _sign(self, version: int, status: str, at: str, actor: Actor) -> None:
        self.versions[version - 1].update({"signed_by": actor["user_id"], "signed_at": at, "status": status})
        self.signed = True

    def _append(self, phi: NoteContent, *, version: int, status: str, source: str,
                author_id: str, at: str, provenance: Provenance | None) -> None:
        self.versions.append({
            "version": version, "status": status, "source": source,
            "subjective": phi.get("subjective", ""), "objective": phi.get("objective", ""),
            "assessment": phi.get("assessment", ""), "plan": phi.get("plan", ""),
            "free_text": phi.get("free_text", ""),  # SECTIONS, in order
            "insights": phi.get("insights"), "provenance": provenance,
            # the template the version was written in, and its sections in template order
            # ({key, title, text, lines: [{text, segment_ids, ...}]}); absent on older events
            "template": phi.get("template"), "sections": phi.get("sections"),
            "author_id": author_id, "created_at": at, "signed_by": None, "signed_at": None,
        })
