"""The audit's typed values (D63): the rows of the ``audit`` schema as the store returns
them, the filters the use cases pass, and what the use cases answer.

What an audit answer carries of an event or an aggregate is JSON (decrypted
event data, replayed state): ``Json`` names that, recursively, instead of ``Any``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Mapping, NotRequired, Sequence, TypeAlias, TypedDict
from uuid import UUID

Json: TypeAlias = "str | int | float | bool | None | Sequence[Json] | Mapping[str, Json]"
JsonObject: TypeAlias = "dict[str, Json]"


# Rows ---------------------------------------------------------------------------------
class ChainHead(TypedDict):
    position: int
    link_hash: str


class Fingerprint(TypedDict):
    """Digests of a stored record, taken when it was chained (chain.fingerprint)."""

    len: int
    blocks: list[str]
    fields: dict[str, str] | None


class EventMeta(TypedDict):
    """What the index records of an event besides its position and hashes."""

    aggregate_type: str
    event_type: str
    practice_id: str | None
    actor_id: str | None
    request_id: str | None
    occurred_at: datetime | None


class StoredEventRow(TypedDict):
    """A raw row of the event store."""

    notification_id: int
    topic: str
    originator_id: UUID
    originator_version: int
    state: bytes


class ChainLinkRow(TypedDict):
    notification_id: int
    topic: str
    originator_id: UUID
    originator_version: int
    content_sha256: str
    fingerprint: Fingerprint
    prev_hash: str
    link_hash: str


class EventIndexRow(ChainLinkRow):
    """A row of ``audit.event_chain``: the chain link and the index columns."""

    aggregate_type: str
    event_type: str
    practice_id: UUID | None
    actor_id: str | None
    request_id: str | None
    occurred_at: datetime | None


class AggregateOwner(TypedDict):
    aggregate_type: str
    practice_id: UUID | None


class AccessRow(TypedDict):
    """A row of ``audit.access_log`` as listed to an auditor (no practice or hashes)."""

    seq: int
    at: datetime
    user_id: str | None
    role: str | None
    action: str
    resource_type: str
    resource_id: str | None
    patient_id: UUID | None
    method: str
    route: str
    status: int
    client_ip: str | None
    user_agent: str | None
    request_id: str | None


class AccessLogRow(AccessRow):
    """A whole row of ``audit.access_log``, with its chain link."""

    practice_id: UUID | None
    prev_hash: str
    link_hash: str


class CheckpointRow(TypedDict):
    id: int
    created_at: datetime
    payload: str
    signature: str
    key_id: str


class EventsMark(TypedDict):
    notification_id: int
    hash: str


class AccessMark(TypedDict):
    seq: int
    hash: str


class CheckpointBody(TypedDict):
    """What a checkpoint signs (chain.checkpoint_payload), parsed."""

    kind: str
    format: int
    created_at: str
    events: EventsMark
    access_log: AccessMark


class NewCheckpoint(TypedDict):
    id: int
    payload: str


class ExpiredRecording(TypedDict):
    id: UUID
    practice_id: UUID
    appointment_id: UUID
    created_at: datetime


# Filters ------------------------------------------------------------------------------
class EventFilters(TypedDict, total=False):
    aggregate_id: str
    aggregate_type: str
    event_type: str
    actor: str
    since: datetime
    until: datetime


class AccessFilters(TypedDict, total=False):
    patient_id: str
    user_id: str
    resource_type: str
    since: datetime
    until: datetime


# Answers ------------------------------------------------------------------------------
class ItemActor(TypedDict):
    user_id: str | None
    request_id: str | None


class AuditItem(TypedDict):
    """One event of the audit trail: index columns and the decrypted event data."""

    notification_id: int
    occurred_at: Json
    practice_id: Json
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int
    event_type: str
    actor: ItemActor
    data: JsonObject | None


class Change(TypedDict):
    old: Json
    new: Json


class HistoryEntry(TypedDict):
    version: int
    event_type: str
    occurred_at: Json
    actor: Json
    request_id: str | None
    changes: dict[str, Change]
    data: JsonObject


class AggregateHistory(TypedDict):
    aggregate_id: str
    aggregate_type: str
    version: int
    patient_id: str | None
    events: list[HistoryEntry]


class AggregateState(TypedDict):
    aggregate_id: str
    aggregate_type: str
    as_of: str
    version: int
    recorded_at: Json
    current_version: int
    patient_id: str | None
    state: JsonObject


class CheckpointView(TypedDict):
    id: int
    created_at: Json
    key_id: str
    payload: str
    signature: str


class Checkpoints(TypedDict):
    algorithm: str
    key_id: str
    public_key_pem: str
    heads: dict[str, Json]
    checkpoints: list[CheckpointView]


class ProblemView(TypedDict):
    chain: str
    position: int
    kind: str
    message: str
    detail: dict[str, object]  # JSON values: what differs, where


class ChainSummary(TypedDict):
    checked: int
    head: int
    pending: int
    first_broken: ProblemView | None
    problems: list[ProblemView]


class StateChange(TypedDict):
    """How a record's stored state differs from its fingerprint."""

    length: dict[str, int]
    byte_ranges: list[list[int]]
    json: NotRequired[str]
    fields: NotRequired[list[str]]
