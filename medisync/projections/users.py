"""Read model: the staff of each practice (``users``)."""

from __future__ import annotations

from typing import Callable

from eventsourcing.domain import Aggregate

from medisync.domain.practice import Practice
from medisync.domain.user import User
from medisync.projections.base import ReadModelProjection, oid, stamp
from medisync.projections.changes import ViewChange, insert, update_columns


def _registered(e: User.Registered) -> list[ViewChange]:
    return [insert("users", id=oid(e), practice_id=e.practice_id, email=e.email,
                   full_name=e.full_name, role=e.role, tier=e.tier, active=True,
                   created_at=e.timestamp, **stamp(e))]


def _practice(e: Practice.Registered) -> list[ViewChange]:
    return [insert("practices", id=oid(e), name=e.name, created_at=e.timestamp)]


def _set(**columns: object) -> Callable[[Aggregate.Event], list[ViewChange]]:
    """A handler setting columns: a str names the event attribute to copy, anything else is the value."""
    def handler(e: Aggregate.Event) -> list[ViewChange]:
        values = {name: getattr(e, attr) if isinstance(attr, str) else attr
                  for name, attr in columns.items()}
        return [update_columns("users", {"id": oid(e)}, {**values, **stamp(e)})]
    return handler


class UsersProjection(ReadModelProjection):
    name = "users"
    tables = ("practices", "users")
    handlers = {
        Practice.Registered: _practice,
        User.Registered: _registered,
        User.RoleChanged: _set(role="role"),
        User.TierChanged: _set(tier="tier"),
        User.Deactivated: _set(active=False),
        User.PasswordChanged: _set(),
    }
