"""Use cases: register patients, keep demographics, history and insurance."""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from typing import Callable

from eventsourcing.persistence import IntegrityError

from medisync.application.access import (ADMINS, CLINICAL_STAFF, PatientResource, require_reach,
                                         require_role, scope_of)
from medisync.application.app import MediSyncApplication, retry_on_conflict
from medisync.application.ports import AccessQueries
from medisync.application.principal import Principal
from medisync.application.results import CommandResult
from medisync.domain.errors import ConflictError, NotFoundError
from medisync.domain.indexes import MrnIndex
from medisync.domain.patient import Patient
from medisync.domain.phi import Demographics, HistoryData, InsuranceData


def mrn_key(practice_id: str, mrn: str) -> str:
    """A one-way key for the MRN, so the uniqueness index holds no PHI."""
    normalized = unicodedata.normalize("NFKC", mrn).strip().upper()
    return hashlib.sha256(f"{practice_id}:{normalized}".encode()).hexdigest()


class PatientService:
    def __init__(self, app: MediSyncApplication, access: AccessQueries) -> None:
        self.app = app
        self.access = access

    def register(self, principal: Principal, phi: Demographics) -> CommandResult:
        require_role(principal, CLINICAL_STAFF, "register patients")
        key = mrn_key(principal.practice_id, phi["mrn"])
        if self.app.exists(MrnIndex.create_id(principal.practice_id, key)):
            raise ConflictError("a patient with this MRN already exists", field="mrn")
        patient = Patient(practice_id=principal.practice_id, registered_by=principal.user_id,
                          phi=phi, actor=principal.actor())
        index = MrnIndex(practice_id=principal.practice_id, mrn_key=key, patient_id=str(patient.id))
        try:
            notification_id = self.app.commit(patient, index)
        except IntegrityError:
            raise ConflictError("a patient with this MRN already exists", field="mrn") from None
        return CommandResult(str(patient.id), notification_id)

    def update_demographics(self, principal: Principal, patient_id: str,
                            phi: Demographics) -> CommandResult:
        return self._change(principal, patient_id,
                            lambda p: p.update_demographics(phi=phi, actor=principal.actor()))

    def archive(self, principal: Principal, patient_id: str) -> CommandResult:
        require_role(principal, ADMINS, "archive patients")
        return self._change(principal, patient_id, lambda p: p.archive(actor=principal.actor()))

    def add_history_entry(self, principal: Principal, patient_id: str, kind: str,
                          phi: HistoryData) -> CommandResult:
        entry_id = str(uuid.uuid4())
        result = self._change(principal, patient_id, lambda p: p.add_history_entry(
            entry_id=entry_id, kind=kind, phi=phi, actor=principal.actor()))
        return CommandResult(entry_id, result.notification_id)

    def update_history_entry(self, principal: Principal, patient_id: str, entry_id: str,
                             phi: HistoryData, resolved_date: str | None) -> CommandResult:
        def act(patient: Patient) -> None:
            if phi:
                patient.update_history_entry(entry_id=entry_id, phi=phi, actor=principal.actor())
            if resolved_date:
                patient.resolve_history_entry(entry_id=entry_id, resolved_date=resolved_date,
                                              actor=principal.actor())
        result = self._change(principal, patient_id, act)
        return CommandResult(entry_id, result.notification_id, created=False)

    def add_insurance(self, principal: Principal, patient_id: str, phi: InsuranceData,
                      primary: bool) -> CommandResult:
        policy_id = str(uuid.uuid4())
        result = self._change(principal, patient_id, lambda p: p.add_insurance(
            policy_id=policy_id, phi=phi, primary=primary, actor=principal.actor()))
        return CommandResult(policy_id, result.notification_id)

    def update_insurance(self, principal: Principal, patient_id: str, policy_id: str,
                         phi: InsuranceData, primary: bool | None) -> CommandResult:
        result = self._change(principal, patient_id, lambda p: p.update_insurance(
            policy_id=policy_id, phi=phi, primary=primary, actor=principal.actor()))
        return CommandResult(policy_id, result.notification_id, created=False)

    def remove_insurance(self, principal: Principal, patient_id: str, policy_id: str) -> CommandResult:
        result = self._change(principal, patient_id, lambda p: p.remove_insurance(
            policy_id=policy_id, actor=principal.actor()))
        return CommandResult(policy_id, result.notification_id, created=False)

    def load_visible(self, principal: Principal, patient_id: str) -> Patient:
        """The patient, if this caller may work on them (the access policy); else NotFoundError."""
        scope = scope_of(principal, "work on patients")
        patient = self.app.load(patient_id, "patient", Patient)
        if getattr(patient, "erased", False):
            raise NotFoundError("patient not found")
        require_reach(scope, PatientResource(patient.practice_id, str(patient.id), patient.registered_by),
                      "patient", self.access)
        return patient

    def _change(self, principal: Principal, patient_id: str, act: Callable[[Patient], None],
                expected_version: int | None = None) -> CommandResult:
        def command() -> CommandResult:
            patient = self.load_visible(principal, patient_id)
            act(patient)
            return CommandResult(str(patient.id), self.app.commit(patient), created=False)
        return retry_on_conflict(command)
