"""Practice, User and the index aggregates: rules checked with no I/O."""

from __future__ import annotations

import uuid

import pytest

from medisync.domain.errors import ConflictError, InvalidTransitionError, ValidationError
from medisync.domain.ids import derived_id
from medisync.domain.indexes import EmailIndex, InvitationIndex, MrnIndex
from medisync.domain.practice import Practice
from medisync.domain.user import ROLES, TIERS, User

ACTOR = {"user_id": "u-1", "practice_id": "p-1", "request_id": "r-1"}


def names(aggregate: object) -> list[str]:
    return [type(e).__qualname__ for e in aggregate.collect_events()]  # type: ignore[attr-defined]


def new_user(**overrides: str) -> User:
    fields = {"user_id": str(uuid.uuid4()), "practice_id": str(uuid.uuid4()), "email": "a@b.test",
              "full_name": "Ana Admin", "password_hash": "hash-1", "role": "doctor", "tier": "standard",
              "actor": ACTOR, **overrides}
    return User.register(**fields)


def test_practice_id_is_the_callers_and_registration_is_recorded() -> None:
    practice_id = str(uuid.uuid4())
    practice = Practice(practice_id=practice_id, name="North Clinic", actor=ACTOR)
    assert practice.id == uuid.UUID(practice_id) and practice.name == "North Clinic"
    events = practice.collect_events()
    assert [type(e).__qualname__ for e in events] == ["Practice.Registered"]
    assert events[0].actor == ACTOR


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("tier", TIERS)
def test_user_registers_with_every_valid_role_and_tier(role: str, tier: str) -> None:
    user_id = str(uuid.uuid4())
    user = new_user(user_id=user_id, role=role, tier=tier)
    assert user.id == uuid.UUID(user_id)
    assert (user.role, user.tier, user.active) == (role, tier, True)
    assert names(user) == ["User.Registered"]


@pytest.mark.parametrize("field,value", [("role", "surgeon"), ("role", "Admin"), ("tier", "gold"),
                                         ("tier", "")])
def test_user_refuses_unknown_role_or_tier(field: str, value: str) -> None:
    with pytest.raises(ValidationError) as refused:
        new_user(**{field: value})
    assert refused.value.details == {"field": field}
    assert refused.value.code == "validation_error"


def test_user_role_tier_and_password_changes_are_events() -> None:
    user = new_user()
    user.collect_events()
    user.change_role(role="nurse", actor=ACTOR)
    user.change_tier(tier="premium", actor=ACTOR)
    user.change_password(password_hash="hash-2", actor=ACTOR)
    assert (user.role, user.tier, user.password_hash) == ("nurse", "premium", "hash-2")
    assert names(user) == ["User.RoleChanged", "User.TierChanged", "User.PasswordChanged"]


def test_user_change_role_to_unknown_is_refused_and_emits_nothing() -> None:
    user = new_user()
    user.collect_events()
    with pytest.raises(ValidationError):
        user.change_role(role="janitor", actor=ACTOR)
    with pytest.raises(ValidationError):
        user.change_tier(tier="platinum", actor=ACTOR)
    assert user.collect_events() == [] and (user.role, user.tier) == ("doctor", "standard")


def test_deactivated_user_refuses_every_change() -> None:
    user = new_user()
    user.deactivate(actor=ACTOR)
    assert user.active is False
    assert names(user) == ["User.Registered", "User.Deactivated"]
    for change in (lambda: user.deactivate(actor=ACTOR),
                   lambda: user.change_role(role="admin", actor=ACTOR),
                   lambda: user.change_tier(tier="premium", actor=ACTOR),
                   lambda: user.change_password(password_hash="x", actor=ACTOR)):
        with pytest.raises(InvalidTransitionError, match="deactivated"):
            change()
    assert user.collect_events() == [] and user.role == "doctor"


def test_email_index_id_is_derived_from_the_normalized_email() -> None:
    index = EmailIndex(email="  Ana@Example.TEST ", user_id="user-1")
    assert index.id == EmailIndex.create_id("ana@example.test") == derived_id("email", "ana@example.test")
    assert index.user_id == "user-1" and names(index) == ["EmailIndex.Claimed"]
    assert EmailIndex.create_id("other@example.test") != index.id


def test_mrn_index_is_per_practice_and_holds_no_mrn() -> None:
    first = MrnIndex(practice_id="p-1", mrn_key="k", patient_id="patient-1")
    same_key_other_practice = MrnIndex(practice_id="p-2", mrn_key="k", patient_id="patient-2")
    assert first.id == MrnIndex.create_id("p-1", "k") != same_key_other_practice.id
    assert first.patient_id == "patient-1" and names(first) == ["MrnIndex.Claimed"]
    assert "k" not in vars(first).values()


def test_invitation_accepted_once_then_conflict() -> None:
    invitation = InvitationIndex(token_hash="h", practice_id="p-1", email="n@x.test", role="nurse",
                                 tier="standard", actor=ACTOR)
    assert invitation.id == InvitationIndex.create_id("h") and invitation.accepted_by is None
    invitation.accept(user_id="user-9")
    assert invitation.accepted_by == "user-9"
    with pytest.raises(ConflictError, match="already used"):
        invitation.accept(user_id="user-10")
    assert invitation.accepted_by == "user-9"
    assert names(invitation) == ["InvitationIndex.Issued", "InvitationIndex.Accepted"]
