"""Audit use cases: what happened (the event log), what the record said at a
given moment (replay), who read patient data (the access log), and the
signed checkpoints of the hash chains.

Only ``admin`` and ``auditor`` may read the audit, and only their own
practice's: an aggregate of another practice answers 404. Events are read
through the application (its recorder and mapper), so PHI is decrypted here
and reads as ``{"erased": true}`` once the patient's key is destroyed.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Iterator, Mapping, Protocol, Sequence, cast
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Notification

from medisync.application.access import AUDITORS, require_in_practice, require_role
from medisync.application.app import MediSyncApplication
from medisync.application.audit.records import (AccessFilters, AccessRow, AggregateHistory, AggregateOwner,
                                                AggregateState, AuditItem, Change, ChainHead, CheckpointRow,
                                                Checkpoints, EventFilters, EventIndexRow, HistoryEntry,
                                                Json, JsonObject)
from medisync.application.principal import Principal
from medisync.application.queries.reads import Page
from medisync.domain.errors import NotFoundError, ValidationError

FRESH_LIMIT = 5000  # events a request chains itself before answering, at most
INTERNAL = frozenset({"_id", "_version", "_created_on", "_modified_on", "_pending_events"})
EVENT_META = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic", "actor"})
SECRET_MARKERS = ("password", "secret", "token")
EXPORT_COLUMNS = ("notification_id", "occurred_at", "practice_id", "aggregate_type", "aggregate_id",
                  "aggregate_version", "event_type", "actor_id", "request_id", "data")


class AuditStore(Protocol):
    def list_events(self, practice_id: str | None, filters: EventFilters,
                    page: Page) -> tuple[list[EventIndexRow], int]: ...

    def iter_index(self, practice_id: str | None,
                   filters: EventFilters) -> Iterator[list[EventIndexRow]]: ...

    def count_index(self, practice_id: str | None, filters: EventFilters) -> int: ...

    def stored_events(self, notification_ids: Sequence[int]) -> dict[int, Notification]: ...

    def aggregate_practice(self, aggregate_id: str) -> AggregateOwner | None: ...

    def list_access(self, practice_id: str, filters: AccessFilters,
                    page: Page) -> tuple[list[AccessRow], int]: ...

    def checkpoints(self) -> list[CheckpointRow]: ...

    def head(self, chain: str) -> ChainHead | None: ...


class Chainer(Protocol):
    def catch_up(self, max_events: int | None = None) -> int: ...


class Signer(Protocol):
    algorithm: str
    key_id: str

    @property
    def public_key_pem(self) -> str: ...


def jsonable(value: object) -> Json:
    """A JSON-ready copy (a deep copy, so later mutation does not leak in)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=str)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def redact(value: Json) -> Json:
    """Password hashes and token hashes never leave through the audit."""
    if isinstance(value, dict):
        return {k: "[redacted]" if any(m in k.lower() for m in SECRET_MARKERS) else redact(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def state_of(aggregate: Aggregate | None) -> JsonObject:
    if aggregate is None:
        return {}
    return _object(redact(jsonable({k: v for k, v in vars(aggregate).items() if k not in INTERNAL})))


def changes(before: Mapping[str, Json], after: Mapping[str, Json]) -> dict[str, Change]:
    return {key: {"old": before.get(key), "new": after.get(key)}
            for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)}


def event_data(domain_event: object) -> JsonObject:
    return _object(redact(jsonable({k: v for k, v in vars(domain_event).items() if k not in EVENT_META})))


def _object(value: Json) -> JsonObject:
    """A JSON object made from a mapping (jsonable keeps a mapping a mapping)."""
    assert isinstance(value, dict)
    return value


def practice_of(aggregate: Aggregate | None) -> str | None:
    if isinstance(aggregate, Aggregate) and type(aggregate).__name__ == "Practice":
        return str(aggregate.id)
    practice = getattr(aggregate, "practice_id", None)
    return str(practice) if practice else None


def patient_of(aggregate: Aggregate | None) -> str | None:
    if isinstance(aggregate, Aggregate) and type(aggregate).__name__ == "Patient":
        return str(aggregate.id)
    patient = getattr(aggregate, "patient_id", None)
    return str(patient) if patient else None


def _replayed(aggregate: Aggregate | None) -> Aggregate:
    """The aggregate its events made (at least one event was read, so there is one)."""
    if aggregate is None:
        raise NotFoundError("aggregate not found")
    return aggregate


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _uuid(aggregate_id: str) -> UUID:
    try:
        return UUID(str(aggregate_id))
    except ValueError:
        raise NotFoundError("aggregate not found") from None


class AuditService:
    def __init__(self, app: MediSyncApplication, store: AuditStore, chainer: Chainer | None = None,
                 signer: Signer | None = None) -> None:
        self.app = app
        self.store = store
        self.chainer = chainer
        self.signer = signer

    def require_auditor(self, principal: Principal) -> None:
        require_role(principal, AUDITORS, "read the audit trail")

    # The event log -------------------------------------------------------------
    def events(self, principal: Principal, filters: EventFilters,
               page: Page) -> tuple[list[AuditItem], int]:
        """The practice's events, newest first, with their (decrypted) data."""
        self.require_auditor(principal)
        self.freshen()
        rows, total = self.store.list_events(principal.practice_id, filters, page)
        stored = self.store.stored_events([r["notification_id"] for r in rows])
        return [self._item(row, stored.get(row["notification_id"])) for row in rows], total

    def freshen(self, max_events: int | None = FRESH_LIMIT) -> None:
        """Chain (and so index) what was stored since the follower last ran."""
        if self.chainer is not None:
            self.chainer.catch_up(max_events)

    def _item(self, row: EventIndexRow, stored: Notification | None) -> AuditItem:
        return {
            "notification_id": row["notification_id"], "occurred_at": jsonable(row["occurred_at"]),
            "practice_id": jsonable(row["practice_id"]), "aggregate_type": row["aggregate_type"],
            "aggregate_id": str(row["originator_id"]), "aggregate_version": row["originator_version"],
            "event_type": row["event_type"],
            "actor": {"user_id": row["actor_id"], "request_id": row["request_id"]},
            "data": self._data(stored),
        }

    def _data(self, stored: Notification | None) -> JsonObject | None:
        if stored is None:
            return None  # the stored record is gone: `medisync audit verify` reports it
        try:
            return event_data(self.app.mapper.to_domain_event(stored))
        except Exception:  # noqa: BLE001 - an unreadable record is shown as such, not hidden
            return {"undecodable": True}

    def export(self, principal: Principal | None, filters: EventFilters,
               fmt: str = "jsonl") -> Iterator[bytes]:
        """The (practice's) events oldest first, as JSON Lines or CSV, in chunks.
        ``principal=None`` is the operator's CLI: every practice."""
        if fmt not in ("jsonl", "csv"):
            raise ValidationError("format must be jsonl or csv", field="format")
        practice = None
        if principal is not None:
            self.require_auditor(principal)
            practice = principal.practice_id
        self.freshen(None)
        if fmt == "csv":
            yield _csv_line(EXPORT_COLUMNS)
        for rows in self.store.iter_index(practice, filters):
            stored = self.store.stored_events([r["notification_id"] for r in rows])
            items = [self._item(row, stored.get(row["notification_id"])) for row in rows]
            if fmt == "jsonl":
                yield b"".join(json.dumps(item, separators=(",", ":"), sort_keys=True).encode() + b"\n"
                               for item in items)
            else:
                yield b"".join(_csv_line(_flat(item)) for item in items)

    def export_count(self, principal: Principal | None, filters: EventFilters) -> int:
        return self.store.count_index(principal.practice_id if principal else None, filters)

    # One aggregate ---------------------------------------------------------------
    def history(self, principal: Principal | None, aggregate_id: str) -> AggregateHistory:
        """Every event of the aggregate: who, when, which request, and the
        fields it changed (old -> new), found by replaying it event by event."""
        if principal is not None:
            self.require_auditor(principal)
        events = self._domain_events(aggregate_id)
        aggregate: Aggregate | None = None
        entries: list[HistoryEntry] = []
        for domain_event in events:
            before = state_of(aggregate)
            aggregate = domain_event.mutate(aggregate)
            actor: Mapping[str, str] = getattr(domain_event, "actor", None) or {}
            entries.append({
                "version": domain_event.originator_version,
                "event_type": type(domain_event).__qualname__,
                "occurred_at": jsonable(domain_event.timestamp),
                "actor": jsonable(actor), "request_id": actor.get("request_id"),
                "changes": changes(before, state_of(aggregate)),
                "data": event_data(domain_event),
            })
        replayed = _replayed(aggregate)
        self._require_visible(principal, replayed)
        return {"aggregate_id": str(replayed.id), "aggregate_type": type(replayed).__name__,
                "version": replayed.version, "patient_id": patient_of(replayed), "events": entries}

    def state_as_of(self, principal: Principal | None, aggregate_id: str,
                    as_of: datetime) -> AggregateState:
        """The aggregate as it was at ``as_of``: replayed up to the last event
        recorded at or before that moment."""
        if principal is not None:
            self.require_auditor(principal)
        as_of = _aware(as_of)
        events = self._domain_events(aggregate_id)
        latest: Aggregate | None = None
        for domain_event in events:
            latest = domain_event.mutate(latest)
        current = _replayed(latest)
        self._require_visible(principal, current)
        before = [e for e in events if _aware(e.timestamp) <= as_of]
        if not before:
            raise NotFoundError("the aggregate did not exist at that time")
        version = before[-1].originator_version
        aggregate: Aggregate = self.app.repository.get(_uuid(aggregate_id), version=version)
        return {"aggregate_id": str(aggregate.id), "aggregate_type": type(aggregate).__name__,
                "as_of": as_of.isoformat(), "version": version,
                "recorded_at": jsonable(before[-1].timestamp),
                "current_version": current.version, "patient_id": patient_of(current),
                "state": state_of(aggregate)}

    def _domain_events(self, aggregate_id: str) -> list[Aggregate.Event]:
        stored = self.app.recorder.select_events(_uuid(aggregate_id))
        if not stored:
            raise NotFoundError("aggregate not found")
        return cast("list[Aggregate.Event]", [self.app.mapper.to_domain_event(s) for s in stored])

    def _require_visible(self, principal: Principal | None, aggregate: Aggregate | None) -> None:
        if principal is not None:
            require_in_practice(principal, practice_of(aggregate), "aggregate")

    # The PHI access log ------------------------------------------------------------
    def access(self, principal: Principal, filters: AccessFilters,
               page: Page) -> tuple[list[JsonObject], int]:
        """Who read what of the practice's patient data, newest first."""
        self.require_auditor(principal)
        patient_id = filters.get("patient_id")
        if patient_id is not None:
            self.freshen()
            owner = self.store.aggregate_practice(str(patient_id))
            if owner is None or owner["aggregate_type"] != "Patient" \
                    or str(owner["practice_id"]) != principal.practice_id:
                raise NotFoundError("patient not found")
        rows, total = self.store.list_access(principal.practice_id, filters, page)
        return [_object(jsonable(r)) for r in rows], total

    # Tamper evidence -------------------------------------------------------------
    def checkpoints(self, principal: Principal) -> Checkpoints:
        """The signed checkpoints and the key to check them with."""
        self.require_auditor(principal)
        if self.signer is None:
            raise NotFoundError("no checkpoint key is configured")
        heads = {name: self.store.head(name) for name in ("events", "access_log")}
        return {
            "algorithm": self.signer.algorithm, "key_id": self.signer.key_id,
            "public_key_pem": self.signer.public_key_pem,
            "heads": {name: jsonable(head) for name, head in heads.items()},
            "checkpoints": [{"id": c["id"], "created_at": jsonable(c["created_at"]),
                             "key_id": c["key_id"], "payload": c["payload"],
                             "signature": c["signature"]} for c in self.store.checkpoints()],
        }


def _flat(item: AuditItem) -> list[Json]:
    return [item["notification_id"], item["occurred_at"], item["practice_id"], item["aggregate_type"],
            item["aggregate_id"], item["aggregate_version"], item["event_type"],
            item["actor"]["user_id"], item["actor"]["request_id"],
            json.dumps(item["data"], separators=(",", ":"), sort_keys=True)]


def _csv_line(values: Sequence[Json]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(["" if v is None else v for v in values])
    return buffer.getvalue().encode()
