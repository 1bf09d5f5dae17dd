"""Hash chains over the event store and the PHI access log: the canonical
bytes of a record, the link hash, and the verification of a whole chain.

A link is ``sha256(prev_hash || canonical bytes of the record)``; the first
record's ``prev_hash`` is 32 zero bytes. Pure functions only (no storage), so a
third party can re-implement or reuse them on an export of the tables.

Event record bytes: a 4-byte big-endian length, then the compact JSON array
``[notification_id, topic, originator_id, originator_version]``, then the
stored ``state`` bytes exactly as they are in the database.

Access-log record bytes: the compact JSON array (ASCII) of
``ACCESS_FIELDS`` in that order, with the time as UTC
``YYYY-MM-DDTHH:MM:SS.ffffffZ``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Mapping
from uuid import UUID

from medisync.application.audit.records import Fingerprint, ProblemView, StateChange

GENESIS = "00" * 32
BLOCK = 64  # bytes of stored state per block digest (to say where a change is)

ACCESS_FIELDS = ("seq", "at", "user_id", "practice_id", "role", "action", "resource_type",
                 "resource_id", "patient_id", "method", "route", "status", "client_ip",
                 "user_agent", "request_id")


def link(prev_hash: str, record: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + record).hexdigest()


def event_record(notification_id: int, topic: str, originator_id: UUID | str, version: int,
                 state: bytes) -> bytes:
    head = json.dumps([int(notification_id), topic, str(originator_id), int(version)],
                      separators=(",", ":")).encode()
    return len(head).to_bytes(4, "big") + head + bytes(state)


@lru_cache(maxsize=1024)  # the rows of one request share one time (a page: twenty rows)
def utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_COMPACT_ASCII = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode  # json.dumps' bytes
_ACCESS_VALUES = itemgetter(*ACCESS_FIELDS)
_PLAIN = frozenset({str, int, type(None)})  # written as they are


def access_record(row: Mapping[str, Any]) -> bytes:
    try:
        values = _ACCESS_VALUES(row)
    except KeyError:  # a missing field is null
        values = tuple(row.get(name) for name in ACCESS_FIELDS)
    return _COMPACT_ASCII([v if type(v) in _PLAIN else _access_value(v) for v in values]).encode()


def _access_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_text(value)
    return value if value is None or isinstance(value, (int, str)) else str(value)


def _short(data: bytes, size: int = 16) -> str:
    return hashlib.sha256(data).hexdigest()[:size]


def fingerprint(state: bytes) -> Fingerprint:
    """Small digests of the stored state, kept beside the link, that let
    ``verify`` say *how* a record differs: which top-level fields of the JSON
    state and which byte ranges."""
    state = bytes(state)
    blocks = [_short(state[i:i + BLOCK], 8) for i in range(0, len(state), BLOCK)]
    fields: dict[str, str] | None = None
    try:
        document = json.loads(state)
    except ValueError:
        document = None
    if isinstance(document, dict):
        fields = {key: _short(json.dumps(value, sort_keys=True, separators=(",", ":")).encode())
                  for key, value in document.items()}
    return {"len": len(state), "blocks": blocks, "fields": fields}


def describe_state_change(recorded: Fingerprint, state: bytes) -> StateChange:
    """Compare a record's current state with the fingerprint taken when it was chained."""
    now = fingerprint(state)
    changed_blocks = [i for i in range(max(len(now["blocks"]), len(recorded["blocks"])))
                      if i >= len(now["blocks"]) or i >= len(recorded["blocks"])
                      or now["blocks"][i] != recorded["blocks"][i]]
    ranges = [[i * BLOCK, min((i + 1) * BLOCK, max(now["len"], recorded["len"])) - 1]
              for i in changed_blocks]
    detail: StateChange = {"length": {"recorded": recorded["len"], "now": now["len"]},
                              "byte_ranges": ranges}
    before, after = recorded.get("fields"), now["fields"]
    if before is not None and after is None:
        detail["json"] = "the state no longer parses as JSON"
    elif before is not None and after is not None:
        detail["fields"] = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return detail


# Verification ----------------------------------------------------------------
@dataclass
class Problem:
    chain: str              # "events", "access_log" or "checkpoints"
    position: int           # notification id, access-log seq, or checkpoint id
    kind: str
    message: str
    detail: dict[str, object] = field(default_factory=dict)  # JSON values

    def as_dict(self) -> ProblemView:
        return {"chain": self.chain, "position": self.position, "kind": self.kind,
                "message": self.message, "detail": self.detail}


@dataclass
class ChainReport:
    chain: str
    checked: int = 0
    head: int = 0
    pending: int = 0
    problems: list[Problem] = field(default_factory=list)
    running_hashes: dict[int, str] = field(default_factory=dict)

    @property
    def first_broken(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def add(self, position: int, kind: str, message: str, **detail: object) -> None:
        self.problems.append(Problem(self.chain, position, kind, message, detail))


def _merge(left: Iterable[Mapping[str, Any]], right: Iterable[Mapping[str, Any]],
           key: str) -> Iterator[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]]:
    """Merge-join two iterables ordered by ``key``."""
    lit, rit = iter(left), iter(right)
    a, b = next(lit, None), next(rit, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[key] < b[key]):
            yield a, None
            a = next(lit, None)
        elif a is None or b[key] < a[key]:
            yield None, b
            b = next(rit, None)
        else:
            yield a, b
            a, b = next(lit, None), next(rit, None)


def _what(row: Mapping[str, Any]) -> str:
    topic = str(row["topic"]).rpartition(":")[2]
    return f"{topic} v{row['originator_version']} of aggregate {row['originator_id']}"


def _change_text(header: dict[str, dict[str, str]], state: StateChange) -> str:
    parts = [f"{name} {values['recorded']!r} -> {values['now']!r}" for name, values in header.items()]
    where = ""
    if state.get("fields"):
        where = " in field(s) " + ", ".join(state["fields"])
    elif state.get("json"):
        where = f" ({state['json']})"
    ranges = ", ".join(f"bytes {a}-{b}" for a, b in state["byte_ranges"])
    length = state["length"]
    if ranges or length["recorded"] != length["now"]:
        sizes = (f"length {length['recorded']} -> {length['now']}"
                 if length["recorded"] != length["now"] else f"length {length['now']}")
        parts.append(f"stored state differs{where} ({ranges}{'; ' if ranges else ''}{sizes})")
    return "; ".join(parts)


def verify_event_chain(events: Iterable[Mapping[str, Any]], links: Iterable[Mapping[str, Any]],
                       head: Mapping[str, Any] | None, at: Iterable[int] = ()) -> ChainReport:
    """``events``: stored records (notification_id, topic, originator_id,
    originator_version, state) in notification-id order; ``links``: the chain
    rows (the same ids plus content_sha256, fingerprint, prev_hash, link_hash)
    in the same order; ``head``: the chain's recorded head (position, link_hash).
    ``at``: positions where the hash recomputed from genesis is wanted (checkpoints).
    """
    report = ChainReport("events", head=int(head["position"]) if head else 0)
    wanted = set(at)
    previous_link = GENESIS
    running = GENESIS
    for event, chained in _merge(events, links, "notification_id"):
        position = int((event or chained)["notification_id"])  # type: ignore[index]
        if chained is None:
            assert event is not None
            if position > report.head:
                report.pending += 1
            else:
                report.add(position, "inserted",
                           f"event #{position} ({_what(event)}) is in the event store but not in "
                           "the chain: it was inserted after its position had been chained")
            continue
        report.checked += 1
        if event is None:
            report.add(position, "deleted",
                       f"event #{position} ({_what(chained)}) is in the chain but no longer in the "
                       "event store: it was deleted", recorded_content_sha256=chained["content_sha256"])
            previous_link = chained["link_hash"]
            continue
        record = event_record(position, event["topic"], event["originator_id"],
                              event["originator_version"], event["state"])
        running = link(running, record)
        if position in wanted:
            report.running_hashes[position] = running
        content = hashlib.sha256(record).hexdigest()
        if chained["prev_hash"] != previous_link:
            report.add(position, "relinked",
                       f"chain entry #{position} does not point at the entry before it "
                       "(entries were removed or reordered in the chain table)")
        if content != chained["content_sha256"]:
            diffs = {name: {"recorded": str(chained[name]), "now": str(event[name])}
                     for name in ("topic", "originator_id", "originator_version")
                     if str(chained[name]) != str(event[name])}
            state = describe_state_change(chained["fingerprint"], event["state"])
            report.add(position, "content_changed",
                       f"event #{position} ({_what(chained)}) was altered after it was chained: "
                       + _change_text(diffs, state),
                       header=diffs, state=state)
        elif link(chained["prev_hash"], record) != chained["link_hash"]:
            report.add(position, "link_altered",
                       f"chain entry #{position} has a hash that does not match its record "
                       "(the chain table was edited; the event itself is intact)")
        previous_link = chained["link_hash"]
    if head and report.checked and previous_link != head["link_hash"]:
        report.add(report.head, "head_mismatch",
                   f"the chain head (#{report.head}) does not match the last chain entry: "
                   "entries at the end of the chain were removed")
    return report


def verify_access_log(rows: Iterable[Mapping[str, Any]], head: Mapping[str, Any] | None,
                      at: Iterable[int] = ()) -> ChainReport:
    """``rows`` in seq order; ``head``: (position, link_hash) recorded at the last append."""
    report = ChainReport("access_log", head=int(head["position"]) if head else 0)
    wanted = set(at)
    expected_seq, previous_link = 1, GENESIS
    running = GENESIS
    for row in rows:
        seq = int(row["seq"])
        report.checked += 1
        record = access_record(row)
        running = link(running, record)
        if seq in wanted:
            report.running_hashes[seq] = running
        if seq != expected_seq:
            missing = [expected_seq, seq - 1]
            report.add(expected_seq, "deleted",
                       (f"access-log row seq {expected_seq} is missing (deleted)" if missing[0] == missing[1]
                        else f"access-log rows seq {missing[0]}-{missing[1]} are missing (deleted)")
                       + f"; row seq {seq} follows row seq {expected_seq - 1}",
                       missing_seq=missing, next_seq=seq)
        elif row["prev_hash"] != previous_link:
            report.add(seq, "relinked", f"access-log row seq {seq} does not point at the row before it")
        if link(row["prev_hash"], record) != row["link_hash"]:
            report.add(seq, "content_changed",
                       f"access-log row seq {seq} was altered: its content no longer matches its hash")
        expected_seq, previous_link = seq + 1, row["link_hash"]
    if head and int(head["position"]) >= expected_seq:
        missing = [expected_seq, int(head["position"])]
        report.add(expected_seq, "deleted",
                   f"access-log rows seq {missing[0]}-{missing[1]} at the end of the log are missing "
                   "(deleted)", missing_seq=missing)
    return report


def checkpoint_payload(event_head: Mapping[str, Any] | None, access_head: Mapping[str, Any] | None,
                       created_at: datetime) -> bytes:
    """The exact bytes a checkpoint signature covers."""
    body = {
        "kind": "medisync-audit-checkpoint", "format": 1, "created_at": utc_text(created_at),
        "events": {"notification_id": int(event_head["position"]) if event_head else 0,
                   "hash": event_head["link_hash"] if event_head else GENESIS},
        "access_log": {"seq": int(access_head["position"]) if access_head else 0,
                       "hash": access_head["link_hash"] if access_head else GENESIS},
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
