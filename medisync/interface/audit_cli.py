"""``medisync audit history|state|export|verify|checkpoint|public-key|dead-letters|resume``
and ``medisync retention run``.

These are operator commands: they read the database directly (every
practice), so they are for whoever runs the servers, not for API users.
Long runs show tqdm progress bars on stderr; results go to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterator, cast

if TYPE_CHECKING:  # imported when a command runs, not when the CLI starts
    from eventsourcing.domain import Aggregate

    from medisync.application.audit.records import EventFilters
    from medisync.application.audit.service import AuditService
    from medisync.interface.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="audit trail: history, state, export, verify")
    sub = audit.add_subparsers(dest="audit_command", required=True)

    history = sub.add_parser("history", help="every event of an aggregate, with the fields it changed")
    history.add_argument("aggregate_id")
    history.set_defaults(run=_history)

    state = sub.add_parser("state", help="an aggregate replayed up to a moment")
    state.add_argument("aggregate_id")
    state.add_argument("--as-of", required=True, type=_moment, help="ISO 8601 (UTC if no offset)")
    state.set_defaults(run=_state)

    export = sub.add_parser("export", help="events as JSON Lines or CSV, oldest first")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("--output", "-o", help="file to write (default: stdout)")
    export.add_argument("--practice", type=uuid.UUID, help="only this practice's events")
    export.add_argument("--aggregate-id", type=uuid.UUID)
    export.add_argument("--aggregate-type")
    export.add_argument("--actor")
    export.add_argument("--event-type")
    export.add_argument("--since", type=_moment)
    export.add_argument("--until", type=_moment)
    export.set_defaults(run=_export)

    verify = sub.add_parser("verify", help="recompute the hash chains, re-hash stored files, list files no record references")
    verify.add_argument("--json", action="store_true", help="print the full report as JSON")
    verify.add_argument("--no-catch-up", action="store_true",
                        help="do not chain events stored since the chain follower last ran")
    verify.add_argument("--orphan-grace-s", type=float, default=900.0,
                        help="report files no record references once older than this (default 900 s: "
                             "younger ones may be uploads in flight)")
    verify.set_defaults(run=_verify)

    checkpoint = sub.add_parser("checkpoint", help="sign a checkpoint of both chains now")
    checkpoint.set_defaults(run=_checkpoint)

    public_key = sub.add_parser("public-key", help="print the checkpoint key (PEM) for third parties")
    public_key.set_defaults(run=_public_key)

    letters = sub.add_parser("dead-letters", help="events a follower parked because they cannot be decoded")
    letters.add_argument("--all", action="store_true", help="resumed ones too")
    letters.add_argument("--json", action="store_true")
    letters.set_defaults(run=_dead_letters)

    resume = sub.add_parser("resume", help="deliver a parked event to its follower once its cause is fixed")
    resume.add_argument("follower", help="the follower's name (a projection, ml-worker, erasure-evictor)")
    resume.add_argument("notification_id", type=int)
    resume.set_defaults(run=_resume)

    retention = commands.add_parser("retention", help="raw-audio retention")
    retention_sub = retention.add_subparsers(dest="retention_command", required=True)
    run = retention_sub.add_parser("run", help="delete raw audio older than the retention period")
    run.add_argument("--days", type=int, help="retention period (default MEDISYNC_AUDIO_RETENTION_DAYS)")
    run.add_argument("--as-of", type=_moment, help="pretend it is this moment (ISO 8601)")
    run.add_argument("--dry-run", action="store_true", help="list what would be deleted")
    run.set_defaults(run=_retention)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date/time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@contextmanager
def _container(settings: Settings) -> Iterator[Any]:
    from medisync.interface.bootstrap import bootstrap

    container = bootstrap(settings)  # the audit commands reach most parts
    try:
        yield container
    finally:
        container.close()


def _print_json(document: object) -> None:
    print(json.dumps(document, indent=2, sort_keys=True, default=str))


def _history(args: argparse.Namespace, settings: Settings) -> int:
    with _container(settings) as container:
        _print_json(container.audit.service.history(None, args.aggregate_id))
    return 0


def _state(args: argparse.Namespace, settings: Settings) -> int:
    with _container(settings) as container:
        _print_json(container.audit.service.state_as_of(None, args.aggregate_id, args.as_of))
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    filters = cast("EventFilters", {key: getattr(args, key) for key in ("aggregate_id", "aggregate_type", "actor",
                                                                      "event_type", "since", "until")
                                  if getattr(args, key) is not None})
    with _container(settings) as container:
        service = container.audit.service
        service.freshen(None)
        total = container.audit.store.count_index(str(args.practice) if args.practice else None, filters)
        out = open(args.output, "wb") if args.output else sys.stdout.buffer
        try:
            with tqdm(total=total, unit="ev", desc="export", file=sys.stderr) as bar:
                for chunk in _export_chunks(service, args, filters):
                    out.write(chunk)
                    bar.update(chunk.count(b"\n") if args.format == "jsonl" else _csv_rows(chunk))
        finally:
            if args.output:
                out.close()
            else:
                out.flush()
    return 0


def _export_chunks(service: AuditService, args: argparse.Namespace, filters: EventFilters) -> Iterator[bytes]:
    if args.practice is None:
        yield from service.export(None, filters, args.format)
        return
    # An operator's export of one practice: the service's practice filter, without a login.
    from medisync.application.principal import Principal

    operator = Principal("operator", str(args.practice), "auditor", "standard", "cli-export")
    yield from service.export(operator, filters, args.format)


def _csv_rows(chunk: bytes) -> int:
    return max(chunk.count(b"\n") - (1 if chunk.startswith(b"notification_id,") else 0), 0)


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    with _container(settings) as container:
        audit = container.audit
        if not args.no_catch_up:
            audit.chainer.catch_up()
        heads = {name: int((audit.store.head(name) or {}).get("position", 0))
                 for name in ("events", "access_log")}
        bars = {name: tqdm(total=heads.get(name) or None, unit="rec", desc=f"verify {name}", file=sys.stderr)
                for name in (*heads, "blobs")}
        try:
            report = audit.verify(lambda name, n: bars[name].update(n), catch_up=False,
                                  orphan_grace_s=args.orphan_grace_s)
        finally:
            for bar in bars.values():
                bar.close()
    if args.json:
        _print_json(report)
    else:
        _print_report(report)
    return 0 if report["ok"] else 1


def _print_report(report: dict[str, Any]) -> None:
    for name in ("events", "access_log", "checkpoints", "blobs"):
        part = report.get(name)
        if part is None:
            continue
        first = part["first_broken"]
        status = "OK" if first is None else f"BROKEN ({len(part['problems'])} problem(s))"
        pending = f", {part['pending']} not yet chained" if part.get("pending") else ""
        print(f"{name}: {status}; {part['checked']} checked{pending}")
        if first is not None:
            print(f"  first broken link: {first['message']}")
            for problem in part["problems"][1:]:
                print(f"  also: {problem['message']}")
    print("verification passed" if report["ok"] else "verification FAILED")


def _checkpoint(_args: argparse.Namespace, settings: Settings) -> int:
    with _container(settings) as container:
        made = container.audit.checkpoint()
        _print_json(made)
    return 0


def _public_key(_args: argparse.Namespace, settings: Settings) -> int:
    from medisync.adapters.postgres.audit_signing import Ed25519CheckpointSigner
    from medisync.adapters.postgres.audit_wiring import audit_key_path

    print(Ed25519CheckpointSigner.from_file(audit_key_path(settings)).public_key_pem, end="")
    return 0


def _dead_letters(args: argparse.Namespace, settings: Settings) -> int:
    with _container(settings) as container:
        rows = container.dead_letters.listing(only_parked=not args.all)
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        print(f"#{row['notification_id']} {row['follower']} {row['status']} {row['topic']} "
              f"{row['originator_id']} v{row['originator_version']}: {row['error']} "
              f"({row['attempts']} attempt(s), parked {row['parked_at']:%Y-%m-%dT%H:%M:%SZ})")
    print(f"{len(rows)} {'dead letter(s)' if args.all else 'parked event(s)'}")
    return 0


def _resume(args: argparse.Namespace, settings: Settings) -> int:
    """Decode the parked event again and hand it to its follower's handler, here."""
    with _container(settings) as container:
        letters, app, nid = container.dead_letters, container.app, args.notification_id
        if letters.parked(args.follower, nid) is None:
            print(f"no event #{nid} is parked for {args.follower}", file=sys.stderr)
            return 2
        notification = app.recorder.select_notifications(nid, 1)[0]
        try:
            event = app.mapper.to_domain_event(notification)
        except Exception as error:  # noqa: BLE001 - still broken: it stays parked
            letters.park(args.follower, notification, error)
            print(f"event #{nid} still cannot be decoded ({type(error).__name__}); it stays parked",
                  file=sys.stderr)
            return 1
        _deliver(container, args.follower, event)
        letters.mark_resumed(args.follower, nid)
    print(f"event #{nid} delivered to {args.follower}")
    return 0


def _deliver(container: Any, follower: str, event: Aggregate.Event) -> None:
    from medisync.projections import ALL_PROJECTIONS

    if follower in container.views:
        # The projection's changes for this event, without a tracking row: the
        # projection's position is already past it.
        handler = next(p for p in ALL_PROJECTIONS if p.name == follower).handlers.get(type(event))
        view = container.views[follower]
        if handler is not None:
            with view.datastore.transaction(commit=True) as cursor:
                view.execute(cursor, handler(event))
    elif follower == "ml-worker" and container.jobs is not None:
        container.jobs.handle_uploaded(str(event.originator_id))
    elif follower == "erasure-evictor":
        print("restart the serving processes so that they drop the erased patient's cached aggregates",
              file=sys.stderr)
    else:
        raise SystemExit(f"no handler for follower {follower!r} here")


def _retention(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    days = args.days if args.days is not None else settings.audio_retention_days
    if days is None:
        print("no retention period: set MEDISYNC_AUDIO_RETENTION_DAYS or pass --days", file=sys.stderr)
        return 2
    with _container(settings) as container:
        retention = container.audit.retention
        if args.dry_run:
            cutoff, rows = retention.expired(days, args.as_of)
            print(f"{len(rows)} recording(s) uploaded before {cutoff.isoformat()} would lose their audio")
            for row in rows:
                print(f"  {row['id']} (appointment {row['appointment_id']}, uploaded {row['created_at']})")
            return 0
        _, rows = retention.expired(days, args.as_of)
        with tqdm(total=len(rows), unit="rec", desc="retention", file=sys.stderr) as bar:
            result = retention.run(days, args.as_of, on_each=lambda _id, _deleted: bar.update(1))
    print(f"retention {days} days (cutoff {result.cutoff.isoformat()}): deleted the audio of "
          f"{len(result.deleted)} recording(s), skipped {len(result.skipped)}")
    return 0
