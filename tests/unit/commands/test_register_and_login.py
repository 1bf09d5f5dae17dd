"""RegisterAndLogin (D56): the answer describes the user from what was saved, with a
first pair of tokens; a refused registration saves nothing and opens no session."""

from __future__ import annotations

import pytest

from medisync.application.register_and_login import RegisterAndLogin
from medisync.domain.errors import ConflictError, ValidationError
from medisync.domain.user import User
from tests.unit.commands.world import World

PASSWORD = "correct-horse-9"


def test_a_new_practice_gets_its_admin_and_tokens(world: World) -> None:
    registered = world.commands.register_and_login(
        RegisterAndLogin("Ada@Clinic.test", PASSWORD, " Ada Admin ", practice_name="Lakeside", request_id="r-1"))

    user: User = world.app.load(registered.id, "user", User)
    assert registered.notification_id == world.head()
    assert registered.user == {"id": registered.id, "email": "ada@clinic.test", "full_name": "Ada Admin",
                               "role": "admin", "tier": "standard", "practice_id": user.practice_id,
                               "active": True, "created_at": user.created_on}
    assert (registered.tokens.access_token, registered.tokens.refresh_token) == (
        f"access-for-{registered.id}", f"refresh-for-{registered.id}")


def test_an_invited_member_joins_the_practice_in_the_invited_role(world: World) -> None:
    admin = world.member("admin")
    token, _ = world.identity.invite(admin, "nina@clinic.test", "nurse", "premium")

    registered = world.commands.register_and_login(
        RegisterAndLogin("nina@clinic.test", PASSWORD, "Nina Nurse", invitation_token=token))

    assert (registered.user["role"], registered.user["tier"], registered.user["practice_id"]) == (
        "nurse", "premium", admin.practice_id)


def test_a_refused_registration_saves_nothing_and_opens_no_session(world: World) -> None:
    world.commands.register_and_login(RegisterAndLogin("taken@clinic.test", PASSWORD, "First", practice_name="A"))
    before, sessions = world.head(), list(world.sessions.families)
    with pytest.raises(ConflictError):
        world.commands.register_and_login(RegisterAndLogin("taken@clinic.test", PASSWORD, "Second", practice_name="B"))
    with pytest.raises(ValidationError):
        world.commands.register_and_login(RegisterAndLogin("weak@clinic.test", "short", "Weak", practice_name="C"))
    assert world.head() == before and world.sessions.families == sessions
