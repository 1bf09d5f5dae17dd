"""Queries: the caller, and a practice's staff for its admin."""

from __future__ import annotations

from medisync.application.access import ADMINS, require_role, require_same_practice
from medisync.application.principal import Principal
from medisync.application.queries.reads import Page, UserReads
from medisync.application.queries.rows import UserRow


class UserQueries:
    def __init__(self, reads: UserReads) -> None:
        self.reads = reads

    def me(self, principal: Principal) -> UserRow:
        return require_same_practice(principal, self.reads.get_user(principal.user_id), "user").copy()

    def list(self, principal: Principal, page: Page) -> tuple[list[UserRow], int]:
        require_role(principal, ADMINS, "list users")
        return self.reads.list_users(principal.practice_id, page)

    def get(self, principal: Principal, user_id: str) -> UserRow:
        require_role(principal, ADMINS, "read users")
        return require_same_practice(principal, self.reads.get_user(user_id), "user").copy()
