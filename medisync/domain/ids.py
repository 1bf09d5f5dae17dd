"""Deterministic ids for index aggregates.

An index aggregate (email, MRN, doctor schedule, note per appointment) has
an id derived from its natural key, so two concurrent creators collide on
the event store's unique (originator_id, version) constraint instead of
both succeeding: uniqueness without check-then-act.
"""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("6f1f6f2e-6a0e-4c33-9d0e-3a8d5c1b7e21")


def derived_id(kind: str, *parts: str) -> uuid.UUID:
    key = "\x1f".join((kind, *parts))
    return uuid.uuid5(_NAMESPACE, key)
