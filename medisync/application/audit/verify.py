"""Recompute both hash chains and check the signed checkpoints.

The report names the first broken link of each chain, and every problem
found: which record (notification id or access-log seq, with the event's
type, aggregate and version) and how it differs (fields and byte ranges of
the stored state, a header value, rows missing, a chain entry edited).
"""

from __future__ import annotations

import json
from typing import Callable, Iterable, Iterator, Protocol, TypedDict, TypeVar

from medisync.application.audit.chain import (ChainReport, Problem, verify_access_log,
                                              verify_event_chain)
from medisync.application.audit.records import (AccessLogRow, ChainHead, ChainLinkRow, ChainSummary, CheckpointRow,
                                                CheckpointBody, StoredEventRow)

T = TypeVar("T")
Progress = Callable[[str, int], None]


class VerifiableStore(Protocol):
    def iter_stored(self) -> Iterator[StoredEventRow]: ...

    def iter_chain(self) -> Iterator[ChainLinkRow]: ...

    def iter_access(self) -> Iterator[AccessLogRow]: ...

    def head(self, chain: str) -> ChainHead | None: ...

    def checkpoints(self) -> list[CheckpointRow]: ...

    def chain_link_at(self, notification_id: int) -> str | None: ...

    def access_link_at(self, seq: int) -> str | None: ...


SignatureCheck = Callable[[bytes, str], bool]


class SignedCheckpoint(CheckpointRow):
    body: CheckpointBody  # the signed payload, parsed


def _counted(items: Iterable[T], name: str, progress: Progress | None) -> Iterator[T]:
    for item in items:
        if progress is not None:
            progress(name, 1)
        yield item


def verify(store: VerifiableStore, signature_ok: SignatureCheck,
           progress: Progress | None = None, blobs: ChainReport | None = None) -> dict[str, bool | ChainSummary]:
    """Both chains and the checkpoints; ``blobs`` adds the stored files' check (blob_check.py):
    ``{ok, events, access_log, checkpoints[, blobs]}``, each chain's a ChainSummary."""
    checkpoints: list[SignedCheckpoint] = [{**c, "body": json.loads(c["payload"])} for c in store.checkpoints()]
    event_marks = [c["body"]["events"]["notification_id"] for c in checkpoints]
    access_marks = [c["body"]["access_log"]["seq"] for c in checkpoints]
    events = verify_event_chain(_counted(store.iter_stored(), "events", progress),
                                store.iter_chain(), store.head("events"), at=event_marks)
    access = verify_access_log(_counted(store.iter_access(), "access_log", progress),
                               store.head("access_log"), at=access_marks)
    signed = ChainReport("checkpoints")
    for checkpoint in checkpoints:
        signed.checked += 1
        _check_checkpoint(store, checkpoint, signature_ok, events, access, signed)
    reports = {"events": events, "access_log": access, "checkpoints": signed}
    if blobs is not None:
        reports["blobs"] = blobs
    return {"ok": not any(r.problems for r in reports.values()),
            **{name: _summary(report) for name, report in reports.items()}}


def _check_checkpoint(store: VerifiableStore, checkpoint: SignedCheckpoint, signature_ok: SignatureCheck,
                      events: ChainReport, access: ChainReport, report: ChainReport) -> None:
    number, body = int(checkpoint["id"]), checkpoint["body"]
    if not signature_ok(checkpoint["payload"].encode(), checkpoint["signature"]):
        report.add(number, "bad_signature", f"checkpoint #{number}: the signature does not verify "
                                            "(the checkpoint was forged or edited)")
        return
    for chain, mark, signed, recomputed, stored_link in (
            ("events", body["events"]["notification_id"], body["events"]["hash"], events, store.chain_link_at),
            ("access_log", body["access_log"]["seq"], body["access_log"]["hash"], access, store.access_link_at)):
        if not mark:
            continue
        unit = f"event #{mark}" if chain == "events" else f"access-log row seq {mark}"
        if recomputed.running_hashes.get(mark) != signed:
            first = recomputed.first_broken
            report.add(number, "checkpoint_mismatch",
                       f"checkpoint #{number}: the {'event log' if chain == 'events' else 'access log'} up to {unit} no longer "
                       "hashes to the signed value"
                       + (f" (first broken link: {first.message})" if first else ""),
                       chain=chain, at=mark)
        elif stored_link(mark) != signed:
            report.add(number, "chain_rewritten",
                       f"checkpoint #{number}: the stored chain entry at {unit} differs from the signed "
                       "hash (the chain table was rewritten)", chain=chain, at=mark)


def _summary(report: ChainReport) -> ChainSummary:
    first: Problem | None = report.first_broken
    return {"checked": report.checked, "head": report.head, "pending": report.pending,
            "first_broken": first.as_dict() if first else None,
            "problems": [p.as_dict() for p in report.problems]}
