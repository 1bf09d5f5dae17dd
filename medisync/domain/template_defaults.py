"""TemplateDefaults: which note template the ML worker drafts into, per practice
and per doctor (one aggregate per practice, derived id).

``None`` means "no choice here": a doctor without one gets the practice's,
a practice without one gets the built-in ``soap`` (D47).
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from medisync.domain.actor import Actor
from medisync.domain.ids import derived_id


class TemplateDefaults(Aggregate):
    @staticmethod
    def create_id(practice_id: str, **_: object) -> UUID:
        return derived_id("template-defaults", practice_id)

    class Opened(Aggregate.Created):
        practice_id: str
        actor: Actor

    @event(Opened)
    def __init__(self, practice_id: str, actor: Actor) -> None:
        self.practice_id = practice_id
        self.practice_default: str | None = None
        self.doctor_defaults: dict[str, str] = {}

    def choose(self, doctor_id: str | None, template_id: str | None, actor: Actor) -> bool:
        """Set (or clear, with None) the practice's default or a doctor's; False if unchanged."""
        before = self.doctor_defaults.get(doctor_id) if doctor_id else self.practice_default
        if before == template_id:
            return False
        self._choose(doctor_id=doctor_id, template_id=template_id, actor=actor)
        return True

    class DefaultChosen(Aggregate.Event):
        doctor_id: str | None
        template_id: str | None
        actor: Actor

    @event(DefaultChosen)
    def _choose(self, doctor_id: str | None, template_id: str | None, actor: Actor) -> None:
        if doctor_id is None:
            self.practice_default = template_id
        elif template_id is None:
            self.doctor_defaults.pop(doctor_id, None)
        else:
            self.doctor_defaults[doctor_id] = template_id

    def candidates(self, doctor_id: str | None) -> list[str]:
        """The doctor's choice, then the practice's (the first usable one wins)."""
        found = [self.doctor_defaults.get(doctor_id) if doctor_id else None, self.practice_default]
        return [template_id for template_id in found if template_id]
