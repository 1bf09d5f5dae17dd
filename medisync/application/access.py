"""The access policy: who may read or act on which patient and visit (D57).

Commands (on aggregates) and queries (on read-model rows) both ask this
module, and the read-model adapter renders its SQL filters from the `Scope`
it yields, so the rule is written once:

- a role outside the set a use case names is refused, inside its own
  practice, with 403;
- another practice's resources are *not found* (404), never forbidden, so
  their existence does not leak;
- admins and nurses reach the whole practice. A doctor reaches the visits
  they hold and what was recorded at them (recordings, transcripts, notes,
  patient summaries, letters), and the patients they registered or hold a
  visit with, together with those patients' documents. Anything else is 404.

A use case asks in two steps: `scope_of` (the role gate, 403) and then
`require_reach` (the resource, 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, TypeVar

from medisync.application.ports import AccessQueries
from medisync.application.principal import Principal
from medisync.domain.errors import ForbiddenError, NotFoundError

# The role sets; each use case names one.
ADMINS = ("admin",)
CLINICAL_STAFF = ("admin", "doctor", "nurse")  # patients, their visits and what hangs off them
NOTE_WRITERS = ("admin", "doctor")
TEMPLATE_ADMINS = ADMINS
AUDITORS = ("admin", "auditor")


@dataclass(frozen=True)
class PatientResource:
    """A patient, or what belongs to the patient rather than to one visit (their documents)."""

    practice_id: str
    patient_id: str
    registered_by: str

    @classmethod
    def of_row(cls, row: Mapping[str, object]) -> PatientResource:
        """A ``read.patients`` row's facts."""
        return cls(str(row["practice_id"]), str(row["id"]), str(row["registered_by"]))


@dataclass(frozen=True)
class VisitResource:
    """An appointment, or what was recorded at it: recording, transcript, note, summary, letter."""

    practice_id: str
    doctor_id: str

    @classmethod
    def of_row(cls, row: Mapping[str, object]) -> VisitResource:
        """The facts of a visit row (appointment, recording, note...)."""
        return cls(str(row["practice_id"]), str(row["doctor_id"]))


Resource = PatientResource | VisitResource
Row = TypeVar("Row", bound=Mapping[str, object])  # a read-model row (queries/rows.py)


@dataclass(frozen=True)
class Scope:
    """What a principal may see, as the typed filter the read-model adapter renders.

    ``doctor_id`` None: the whole practice. Otherwise, of the practice, the
    visit rows whose ``doctor_id`` is that doctor, and the patients whose
    ``registered_by`` is that doctor or who hold an appointment with them.
    """

    practice_id: str
    doctor_id: str | None = None


def scope_of(principal: Principal, action: str, roles: tuple[str, ...] = CLINICAL_STAFF) -> Scope:
    """The principal's scope; ForbiddenError (403) if their role may not ``action`` at all."""
    require_role(principal, roles, action)
    return Scope(principal.practice_id, principal.user_id if principal.is_doctor else None)


def may_see(scope: Scope, resource: Resource, relations: AccessQueries | None = None) -> bool:
    """The rule itself. ``relations`` answers whether a doctor holds a visit with a patient;
    it is asked only for a doctor and a patient they did not register."""
    if resource.practice_id != scope.practice_id:
        return False
    if scope.doctor_id is None:
        return True
    if isinstance(resource, VisitResource):
        return resource.doctor_id == scope.doctor_id
    if resource.registered_by == scope.doctor_id:
        return True
    if relations is None:
        raise TypeError("a doctor's reach to a patient needs the care relations")
    return relations.doctor_sees_patient(scope.practice_id, scope.doctor_id, resource.patient_id)


def require_reach(scope: Scope, resource: Resource | None, what: str,
                  relations: AccessQueries | None = None) -> None:
    """NotFoundError (404) unless the resource exists and is in the scope."""
    if resource is None or not may_see(scope, resource, relations):
        raise NotFoundError(f"{what} not found")


def reachable(scope: Scope, row: Row | None, resource_of: Callable[[Row], Resource], what: str,
              relations: AccessQueries | None = None) -> Row:
    """The row, if it exists and its resource is in the scope; else NotFoundError (404)."""
    require_reach(scope, None if row is None else resource_of(row), what, relations)
    assert row is not None  # require_reach refused a missing one
    return row


def require_role(principal: Principal, roles: tuple[str, ...], action: str) -> None:
    if principal.role not in roles:
        raise ForbiddenError(f"your role may not {action}", required_roles=list(roles))


def require_tier(principal: Principal, tier: str, feature: str) -> None:
    if tier == "premium" and principal.tier != "premium":
        raise ForbiddenError(f"subscription required: {feature} is a premium feature",
                             required_tier="premium")


def require_in_practice(principal: Principal, practice_id: str | None, what: str) -> None:
    """For what belongs to the whole practice (users, templates, the audit trail)."""
    if practice_id is None or str(practice_id) != principal.practice_id:
        raise NotFoundError(f"{what} not found")


def require_same_practice(principal: Principal, row: Row | None, what: str) -> Row:
    require_in_practice(principal, None if row is None else str(row["practice_id"]), what)
    assert row is not None
    return row
