"""Read model: patients, their history and insurance.

Tables ``patients``, ``patient_history`` and ``patient_insurance``. The
table's ``search_text`` is a generated column over name and MRN.
"""

from __future__ import annotations

from typing import Mapping

from medisync.domain.patient import Patient
from medisync.projections.base import ReadModelProjection, oid, stamp
from medisync.projections.changes import ViewChange, delete, insert, update, update_columns

DEMOGRAPHICS = ("mrn", "first_name", "last_name", "date_of_birth", "sex", "phone", "email")


def _registered(e: Patient.Registered) -> list[ViewChange]:
    row = {key: e.phi.get(key) for key in DEMOGRAPHICS}
    return [insert("patients", id=oid(e), practice_id=e.practice_id, registered_by=e.registered_by,
                   archived=False, created_at=e.timestamp, **row, **stamp(e))]


def _demographics(e: Patient.DemographicsUpdated) -> list[ViewChange]:
    phi: Mapping[str, object] = e.phi
    values = {key: phi[key] for key in DEMOGRAPHICS if key in phi}
    return [update_columns("patients", {"id": oid(e)}, {**values, **stamp(e)})]


def _archived(e: Patient.Archived) -> list[ViewChange]:
    return [update("patients", {"id": oid(e)}, archived=True, **stamp(e))]


def _history_added(e: Patient.HistoryEntryAdded) -> list[ViewChange]:
    return [insert("patient_history", id=e.entry_id, patient_id=oid(e), kind=e.kind,
                   status="resolved" if e.phi.get("resolved_date") else "active", data=dict(e.phi), created_at=e.timestamp, updated_at=e.timestamp),
            _touch(e)]


def _history_updated(e: Patient.HistoryEntryUpdated) -> list[ViewChange]:
    return [update("patient_history", {"id": e.entry_id}, merge={"data": dict(e.phi)},
                   updated_at=e.timestamp), _touch(e)]


def _history_resolved(e: Patient.HistoryEntryResolved) -> list[ViewChange]:
    return [update("patient_history", {"id": e.entry_id}, status="resolved",
                   merge={"data": {"resolved_date": e.resolved_date}}, updated_at=e.timestamp),
            _touch(e)]


def _insurance_added(e: Patient.InsuranceAdded) -> list[ViewChange]:
    return [*_demote_others(e), insert("patient_insurance", id=e.policy_id, patient_id=oid(e),
                                       data=dict(e.phi), is_primary=e.primary), _touch(e)]


def _insurance_updated(e: Patient.InsuranceUpdated) -> list[ViewChange]:
    primary = {} if e.primary is None else {"is_primary": e.primary}
    return [*_demote_others(e), update("patient_insurance", {"id": e.policy_id},
                                       merge={"data": dict(e.phi)}, **primary), _touch(e)]


def _insurance_removed(e: Patient.InsuranceRemoved) -> list[ViewChange]:
    return [delete("patient_insurance", id=e.policy_id), _touch(e)]


def _demote_others(e: Patient.InsuranceAdded | Patient.InsuranceUpdated) -> list[ViewChange]:
    if not e.primary:
        return []
    return [update("patient_insurance", {"patient_id": oid(e)}, is_primary=False)]


def _erased(e: Patient.Erased) -> list[ViewChange]:
    return [delete("patient_history", patient_id=oid(e)), delete("patient_insurance", patient_id=oid(e)),
            delete("patients", id=oid(e))]


def _touch(e: Patient.Event) -> ViewChange:
    return update("patients", {"id": oid(e)}, **stamp(e))


class PatientsProjection(ReadModelProjection):
    name = "patients"
    tables = ("patients", "patient_history", "patient_insurance")
    handlers = {
        Patient.Registered: _registered,
        Patient.DemographicsUpdated: _demographics,
        Patient.Archived: _archived,
        Patient.Erased: _erased,
        Patient.HistoryEntryAdded: _history_added,
        Patient.HistoryEntryUpdated: _history_updated,
        Patient.HistoryEntryResolved: _history_resolved,
        Patient.InsuranceAdded: _insurance_added,
        Patient.InsuranceUpdated: _insurance_updated,
        Patient.InsuranceRemoved: _insurance_removed,
    }
