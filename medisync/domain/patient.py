"""Patient: demographics, medical history and insurance.

PHI convention: every patient-identifying or free-text value travels in an
event field named ``phi`` (a dict). Nothing outside ``phi`` may identify the
patient, so the relay can drop ``phi`` wholesale and the audit issue can
encrypt it per patient.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from medisync.domain.actor import Actor
from medisync.domain.errors import InvalidTransitionError, NotFoundError, ValidationError
from medisync.domain.phi import Demographics, HistoryData, HistoryEntry, InsuranceData, Policy

HISTORY_KINDS = ("condition", "allergy", "medication", "surgery", "family_history")


class Patient(Aggregate):
    class Registered(Aggregate.Created):
        practice_id: str
        registered_by: str
        phi: Demographics
        actor: Actor

    @event(Registered)
    def __init__(self, practice_id: str, registered_by: str, phi: Demographics,
                 actor: Actor) -> None:
        self.practice_id = practice_id
        self.registered_by = registered_by
        self.demographics: Demographics = {**phi}
        self.history: dict[str, HistoryEntry] = {}
        self.insurance: dict[str, Policy] = {}
        self.archived = False

    # Demographics -----------------------------------------------------------
    def update_demographics(self, phi: Demographics, actor: Actor) -> None:
        self._require_active()
        self._update_demographics(phi=phi, actor=actor)

    class DemographicsUpdated(Aggregate.Event):
        phi: Demographics
        actor: Actor

    @event(DemographicsUpdated)
    def _update_demographics(self, phi: Demographics, actor: Actor) -> None:
        self.demographics.update(phi)

    def archive(self, actor: Actor) -> None:
        self._require_active()
        self._archive(actor=actor)

    class Archived(Aggregate.Event):
        actor: Actor

    @event(Archived)
    def _archive(self, actor: Actor) -> None:
        self.archived = True

    def erase(self, reason: str, actor: Actor) -> None:
        """GDPR Art. 17: the PHI key is destroyed; this event records that, without PHI."""
        if getattr(self, "erased", False):
            raise InvalidTransitionError("patient is already erased")
        self._erase(reason=reason, actor=actor)

    class Erased(Aggregate.Event):
        reason: str
        actor: Actor

    @event(Erased)
    def _erase(self, reason: str, actor: Actor) -> None:
        self.erased = True
        self.archived = True
        self.demographics = {}
        self.history = {}
        self.insurance = {}

    # Medical history --------------------------------------------------------
    def add_history_entry(self, entry_id: str, kind: str, phi: HistoryData,
                          actor: Actor) -> None:
        self._require_active()
        if kind not in HISTORY_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(HISTORY_KINDS)}", field="kind")
        self._add_history_entry(entry_id=entry_id, kind=kind, phi=phi, actor=actor)

    class HistoryEntryAdded(Aggregate.Event):
        entry_id: str
        kind: str
        phi: HistoryData
        actor: Actor

    @event(HistoryEntryAdded)
    def _add_history_entry(self, entry_id: str, kind: str, phi: HistoryData,
                           actor: Actor) -> None:
        status = "resolved" if phi.get("resolved_date") else "active"
        self.history[entry_id] = {"kind": kind, "status": status, **phi}

    def update_history_entry(self, entry_id: str, phi: HistoryData,
                             actor: Actor) -> None:
        self._require_active()
        self._history_entry(entry_id)
        self._update_history_entry(entry_id=entry_id, phi=phi, actor=actor)

    class HistoryEntryUpdated(Aggregate.Event):
        entry_id: str
        phi: HistoryData
        actor: Actor

    @event(HistoryEntryUpdated)
    def _update_history_entry(self, entry_id: str, phi: HistoryData,
                              actor: Actor) -> None:
        self.history[entry_id].update(phi)

    def resolve_history_entry(self, entry_id: str, resolved_date: str,
                              actor: Actor) -> None:
        self._require_active()
        if self._history_entry(entry_id)["status"] == "resolved":
            raise InvalidTransitionError("history entry is already resolved")
        self._resolve_history_entry(entry_id=entry_id, resolved_date=resolved_date, actor=actor)

    class HistoryEntryResolved(Aggregate.Event):
        entry_id: str
        resolved_date: str
        actor: Actor

    @event(HistoryEntryResolved)
    def _resolve_history_entry(self, entry_id: str, resolved_date: str,
                               actor: Actor) -> None:
        self.history[entry_id].update({"status": "resolved", "resolved_date": resolved_date})

    # Insurance --------------------------------------------------------------
    def add_insurance(self, policy_id: str, phi: InsuranceData, primary: bool,
                      actor: Actor) -> None:
        self._require_active()
        self._add_insurance(policy_id=policy_id, phi=phi, primary=primary, actor=actor)

    class InsuranceAdded(Aggregate.Event):
        policy_id: str
        phi: InsuranceData
        primary: bool
        actor: Actor

    @event(InsuranceAdded)
    def _add_insurance(self, policy_id: str, phi: InsuranceData, primary: bool,
                       actor: Actor) -> None:
        self._apply_primary(policy_id, primary)
        self.insurance[policy_id] = {**phi, "primary": primary}

    def update_insurance(self, policy_id: str, phi: InsuranceData, primary: bool | None,
                         actor: Actor) -> None:
        self._require_active()
        self._policy(policy_id)
        self._update_insurance(policy_id=policy_id, phi=phi, primary=primary, actor=actor)

    class InsuranceUpdated(Aggregate.Event):
        policy_id: str
        phi: InsuranceData
        primary: bool | None
        actor: Actor

    @event(InsuranceUpdated)
    def _update_insurance(self, policy_id: str, phi: InsuranceData, primary: bool | None,
                          actor: Actor) -> None:
        self.insurance[policy_id].update(phi)
        if primary is not None:
            self._apply_primary(policy_id, primary)
            self.insurance[policy_id]["primary"] = primary

    def remove_insurance(self, policy_id: str, actor: Actor) -> None:
        self._require_active()
        self._policy(policy_id)
        self._remove_insurance(policy_id=policy_id, actor=actor)

    class InsuranceRemoved(Aggregate.Event):
        policy_id: str
        actor: Actor

    @event(InsuranceRemoved)
    def _remove_insurance(self, policy_id: str, actor: Actor) -> None:
        del self.insurance[policy_id]

    # Guards -----------------------------------------------------------------
    def _apply_primary(self, policy_id: str, primary: bool) -> None:
        # Only one primary policy: marking one primary demotes the others.
        if primary:
            for other_id, policy in self.insurance.items():
                if other_id != policy_id:
                    policy["primary"] = False

    def _history_entry(self, entry_id: str) -> HistoryEntry:
        if entry_id not in self.history:
            raise NotFoundError("history entry not found")
        return self.history[entry_id]

    def _policy(self, policy_id: str) -> Policy:
        if policy_id not in self.insurance:
            raise NotFoundError("insurance policy not found")
        return self.insurance[policy_id]

    def _require_active(self) -> None:
        if self.archived:
            raise InvalidTransitionError("patient is archived")
