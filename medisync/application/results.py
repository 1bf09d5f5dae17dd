"""What a command hands back to the interface."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandResult:
    id: str
    notification_id: int | None
    created: bool = True
