"""Patient: demographics, history and insurance rules, with no I/O."""

from __future__ import annotations

import pytest

from medisync.domain.errors import InvalidTransitionError, NotFoundError, ValidationError
from medisync.domain.patient import HISTORY_KINDS, Patient

ACTOR = {"user_id": "u-1", "practice_id": "p-1", "request_id": ""}


def names(aggregate: object) -> list[str]:
    return [type(e).__qualname__ for e in aggregate.collect_events()]  # type: ignore[attr-defined]


def new_patient() -> Patient:
    patient = Patient(practice_id="p-1", registered_by="u-1",
                      phi={"mrn": "MRN-1", "first_name": "Rosa", "last_name": "Delgado"}, actor=ACTOR)
    patient.collect_events()
    return patient


def test_registration_keeps_demographics_and_phi_in_the_phi_field() -> None:
    patient = Patient(practice_id="p-1", registered_by="u-1", phi={"mrn": "M", "first_name": "Rosa"},
                      actor=ACTOR)
    (registered,) = patient.collect_events()
    assert type(registered).__qualname__ == "Patient.Registered"
    assert registered.phi == {"mrn": "M", "first_name": "Rosa"} and registered.registered_by == "u-1"
    assert patient.demographics == {"mrn": "M", "first_name": "Rosa"} and patient.archived is False


def test_demographics_update_merges() -> None:
    patient = new_patient()
    patient.update_demographics(phi={"last_name": "Ortiz", "phone": "555"}, actor=ACTOR)
    assert patient.demographics == {"mrn": "MRN-1", "first_name": "Rosa", "last_name": "Ortiz",
                                    "phone": "555"}
    assert names(patient) == ["Patient.DemographicsUpdated"]


@pytest.mark.parametrize("kind", HISTORY_KINDS)
def test_history_entry_added_active(kind: str) -> None:
    patient = new_patient()
    patient.add_history_entry(entry_id="e1", kind=kind, phi={"description": "x"}, actor=ACTOR)
    assert patient.history["e1"] == {"kind": kind, "status": "active", "description": "x"}
    assert names(patient) == ["Patient.HistoryEntryAdded"]


def test_history_entry_unknown_kind_refused() -> None:
    patient = new_patient()
    with pytest.raises(ValidationError) as refused:
        patient.add_history_entry(entry_id="e1", kind="hobby", phi={}, actor=ACTOR)
    assert refused.value.details == {"field": "kind"} and patient.history == {}
    assert patient.collect_events() == []


def test_history_update_then_resolve_then_resolve_again_refused() -> None:
    patient = new_patient()
    patient.add_history_entry(entry_id="e1", kind="condition", phi={"description": "asthma"}, actor=ACTOR)
    patient.update_history_entry(entry_id="e1", phi={"notes": "mild"}, actor=ACTOR)
    patient.resolve_history_entry(entry_id="e1", resolved_date="2024-05-01", actor=ACTOR)
    assert patient.history["e1"] == {"kind": "condition", "status": "resolved", "description": "asthma",
                                     "notes": "mild", "resolved_date": "2024-05-01"}
    with pytest.raises(InvalidTransitionError, match="already resolved"):
        patient.resolve_history_entry(entry_id="e1", resolved_date="2024-06-01", actor=ACTOR)
    assert patient.history["e1"]["resolved_date"] == "2024-05-01"
    assert names(patient) == ["Patient.HistoryEntryAdded", "Patient.HistoryEntryUpdated",
                              "Patient.HistoryEntryResolved"]


def test_unknown_history_entry_is_not_found() -> None:
    patient = new_patient()
    with pytest.raises(NotFoundError):
        patient.update_history_entry(entry_id="nope", phi={"notes": "x"}, actor=ACTOR)
    with pytest.raises(NotFoundError):
        patient.resolve_history_entry(entry_id="nope", resolved_date="2024-01-01", actor=ACTOR)
    assert patient.collect_events() == []


def test_one_primary_policy_adding_and_updating_demotes_the_others() -> None:
    patient = new_patient()
    patient.add_insurance(policy_id="a", phi={"payer": "Aetna"}, primary=True, actor=ACTOR)
    patient.add_insurance(policy_id="b", phi={"payer": "Blue"}, primary=False, actor=ACTOR)
    assert {k: v["primary"] for k, v in patient.insurance.items()} == {"a": True, "b": False}
    patient.add_insurance(policy_id="c", phi={"payer": "Cigna"}, primary=True, actor=ACTOR)
    assert {k: v["primary"] for k, v in patient.insurance.items()} == {"a": False, "b": False, "c": True}
    patient.update_insurance(policy_id="b", phi={"plan": "Gold"}, primary=True, actor=ACTOR)
    assert {k: v["primary"] for k, v in patient.insurance.items()} == {"a": False, "b": True, "c": False}
    assert patient.insurance["b"] == {"payer": "Blue", "plan": "Gold", "primary": True}
    patient.update_insurance(policy_id="a", phi={"plan": "Basic"}, primary=None, actor=ACTOR)
    assert patient.insurance["a"]["primary"] is False and patient.insurance["b"]["primary"] is True
    patient.remove_insurance(policy_id="b", actor=ACTOR)
    assert set(patient.insurance) == {"a", "c"}
    assert names(patient) == ["Patient.InsuranceAdded"] * 3 + ["Patient.InsuranceUpdated"] * 2 + [
        "Patient.InsuranceRemoved"]


def test_unknown_policy_is_not_found() -> None:
    patient = new_patient()
    with pytest.raises(NotFoundError):
        patient.update_insurance(policy_id="x", phi={}, primary=True, actor=ACTOR)
    with pytest.raises(NotFoundError):
        patient.remove_insurance(policy_id="x", actor=ACTOR)
    assert patient.collect_events() == []


def test_archived_patient_refuses_every_change() -> None:
    patient = new_patient()
    patient.add_history_entry(entry_id="e1", kind="allergy", phi={"description": "pollen"}, actor=ACTOR)
    patient.add_insurance(policy_id="a", phi={"payer": "Aetna"}, primary=True, actor=ACTOR)
    patient.archive(actor=ACTOR)
    assert patient.archived is True
    patient.collect_events()
    changes = [
        lambda: patient.update_demographics(phi={"first_name": "X"}, actor=ACTOR),
        lambda: patient.archive(actor=ACTOR),
        lambda: patient.add_history_entry(entry_id="e2", kind="allergy", phi={}, actor=ACTOR),
        lambda: patient.update_history_entry(entry_id="e1", phi={"notes": "x"}, actor=ACTOR),
        lambda: patient.resolve_history_entry(entry_id="e1", resolved_date="2024-01-01", actor=ACTOR),
        lambda: patient.add_insurance(policy_id="b", phi={}, primary=False, actor=ACTOR),
        lambda: patient.update_insurance(policy_id="a", phi={}, primary=False, actor=ACTOR),
        lambda: patient.remove_insurance(policy_id="a", actor=ACTOR),
    ]
    for change in changes:
        with pytest.raises(InvalidTransitionError, match="archived"):
            change()
    assert patient.collect_events() == []
    assert patient.demographics["first_name"] == "Rosa" and set(patient.insurance) == {"a"}
