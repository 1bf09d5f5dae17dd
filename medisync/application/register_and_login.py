"""Command: register (a new practice's first admin, or an invited member) and log in (D56).

The answer describes the new user from the aggregate just saved, so it never
depends on the read model having caught up; the interface waits, bounded,
for the projections (read-your-writes) before it answers, so the tokens work
at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from medisync.application.identity import IdentityService, Tokens, UserView


@dataclass(frozen=True)
class RegisterAndLogin:
    email: str
    password: str
    full_name: str
    practice_name: str | None = None  # a new practice, as its first admin
    invitation_token: str | None = None  # or join one by invitation
    request_id: str = ""


@dataclass(frozen=True)
class Registered:
    id: str
    notification_id: int | None
    user: UserView
    tokens: Tokens


class RegisterAndLoginHandler:
    def __init__(self, identity: IdentityService) -> None:
        self.identity = identity

    def __call__(self, command: RegisterAndLogin) -> Registered:
        identity = self.identity
        if command.invitation_token:
            result = identity.register_invited(command.email, command.password, command.full_name,
                                               command.invitation_token, command.request_id)
        else:
            result = identity.register_practice(command.email, command.password, command.full_name,
                                                command.practice_name or "", command.request_id)
        return Registered(result.id, result.notification_id, identity.describe_user(result.id),
                          identity.issue_tokens(result.id))
