"""Queries: the caller, and a practice's staff for its admin."""

from __future__ import annotations

from typing import Any

from medisync.application.access import ADMINS, require_role, require_same_practice
from medisync.application.principal import Principal


class UserQueries:
    def __init__(self, reads: Any) -> None:
        self.reads = reads

    def me(self, principal: Principal) -> dict[str, Any]:
        return dict(require_same_practice(principal, self.reads.get_user(principal.user_id), "user"))

    def list(self, principal: Principal, page: Any) -> tuple[list[dict[str, Any]], int]:
        require_role(principal, ADMINS, "list users")
        return self.reads.list_users(principal.practice_id, page)

    def get(self, principal: Principal, user_id: str) -> dict[str, Any]:
        require_role(principal, ADMINS, "read users")
        return dict(require_same_practice(principal, self.reads.get_user(user_id), "user"))
