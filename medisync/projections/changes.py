"""What a projection asks its view to do, without any SQL.

A projection turns one domain event into a list of ``ViewChange``s; the
view applies them and the tracking record in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from abc import abstractmethod
from typing import Literal, Mapping

from eventsourcing.persistence import Tracking, TrackingRecorder


@dataclass(frozen=True)
class ViewChange:
    kind: Literal["insert", "update", "delete"]
    table: str
    # Column -> value: the view passes values through as SQL parameters (a dict or list as jsonb).
    values: dict[str, object] = field(default_factory=dict)
    where: dict[str, object] = field(default_factory=dict)
    # JSON columns to merge into (``col = col || value``) rather than replace.
    merge: dict[str, Mapping[str, object]] = field(default_factory=dict)


def insert(table: str, **values: object) -> ViewChange:
    """Insert a row; if it exists (redelivery on rebuild), overwrite it."""
    return ViewChange("insert", table, values=values)


def update(table: str, where: dict[str, object], merge: dict[str, Mapping[str, object]] | None = None,
           **values: object) -> ViewChange:
    return ViewChange("update", table, values=values, where=where, merge=merge or {})


def update_columns(table: str, where: dict[str, object], values: Mapping[str, object]) -> ViewChange:
    """``update`` for columns known only at run time."""
    return ViewChange("update", table, values=dict(values), where=where)


def delete(table: str, **where: object) -> ViewChange:
    return ViewChange("delete", table, where=where)


class ReadModelView(TrackingRecorder):
    """The view interface projections write to (implemented in adapters)."""

    @abstractmethod
    def apply(self, changes: list[ViewChange], tracking: Tracking) -> None:
        """Apply the changes and record the tracking, atomically."""
