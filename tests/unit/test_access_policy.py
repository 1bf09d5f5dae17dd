"""The access policy (application/access.py, D57) as one table: role x resource -> the answer.

The same table is run against real Postgres, through the SQL the read-model
adapter renders from the policy's Scope, in tests/integration/test_access_scope_sql.py.
"""

from __future__ import annotations

import pytest

from medisync.application.access import (PatientResource, Scope, VisitResource, may_see, require_reach,
                                         scope_of)
from medisync.application.principal import Principal
from medisync.domain.errors import ForbiddenError, NotFoundError

HOME, ELSEWHERE = "practice-a", "practice-b"
DOCTOR, OTHER_DOCTOR = "doctor-1", "doctor-2"


class Visits:
    """The one read-model fact the policy needs: doctor 1 holds a visit with patient p-visit."""

    def __init__(self) -> None:
        self.asked = 0

    def doctor_sees_patient(self, practice_id: str, doctor_id: str, patient_id: str) -> bool:
        self.asked += 1
        return (practice_id, doctor_id, patient_id) == (HOME, DOCTOR, "p-visit")


PRINCIPALS = {
    "admin": Principal("admin-1", HOME, "admin", "basic"),
    "nurse": Principal("nurse-1", HOME, "nurse", "basic"),
    "doctor": Principal(DOCTOR, HOME, "doctor", "basic"),
    "auditor": Principal("auditor-1", HOME, "auditor", "basic"),
    "other_practice": Principal("admin-2", ELSEWHERE, "admin", "basic"),
}
RESOURCES = {
    "own_visit": VisitResource(HOME, DOCTOR),
    "colleague_visit": VisitResource(HOME, OTHER_DOCTOR),
    "registered_patient": PatientResource(HOME, "p-reg", DOCTOR),
    "visited_patient": PatientResource(HOME, "p-visit", OTHER_DOCTOR),
    "colleague_patient": PatientResource(HOME, "p-other", OTHER_DOCTOR),
}
# 200: in reach; 404: not found to this caller; 403: the role may not at all.
#                      admin nurse doctor auditor other_practice
TABLE = {
    "own_visit":          (200, 200, 200, 403, 404),
    "colleague_visit":    (200, 200, 404, 403, 404),
    "registered_patient": (200, 200, 200, 403, 404),
    "visited_patient":    (200, 200, 200, 403, 404),
    "colleague_patient":  (200, 200, 404, 403, 404),
}


def answer(principal: Principal, resource: PatientResource | VisitResource) -> int:
    try:
        require_reach(scope_of(principal, "read"), resource, "thing", Visits())
    except ForbiddenError:
        return 403
    except NotFoundError:
        return 404
    return 200


@pytest.mark.parametrize("resource", TABLE)
def test_every_role_and_resource(resource: str) -> None:
    got = tuple(answer(PRINCIPALS[who], RESOURCES[resource]) for who in PRINCIPALS)
    assert got == TABLE[resource]


def test_a_doctors_scope_names_the_doctor_and_staff_see_the_practice() -> None:
    assert scope_of(PRINCIPALS["doctor"], "read") == Scope(HOME, DOCTOR)
    assert scope_of(PRINCIPALS["nurse"], "read") == Scope(HOME, None)
    with pytest.raises(ForbiddenError):
        scope_of(PRINCIPALS["auditor"], "read patient records")


def test_no_row_is_not_found_and_the_visit_fact_is_asked_only_when_needed() -> None:
    with pytest.raises(NotFoundError, match="^patient not found$"):
        require_reach(Scope(HOME), None, "patient")
    visits = Visits()
    assert may_see(Scope(HOME, DOCTOR), RESOURCES["registered_patient"], visits)
    assert may_see(Scope(HOME), RESOURCES["colleague_patient"], visits)
    assert not may_see(Scope(ELSEWHERE, DOCTOR), RESOURCES["visited_patient"], visits)
    assert visits.asked == 0
    assert may_see(Scope(HOME, DOCTOR), RESOURCES["visited_patient"], visits) and visits.asked == 1
