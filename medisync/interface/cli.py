"""The ``medisync`` command line."""

from __future__ import annotations

import argparse
import os
import logging
import sys

from medisync.interface import audit_cli, note_cli
from medisync.interface.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from medisync.adapters.embedded_postgres import running_pid
    from medisync.interface.server import serve

    # Only a database this server started is stopped with it: one already running is shared
    # (`make services-up`, another server, the CLI).
    started_here = not settings.database_url and running_pid(settings.data_dir) is None
    try:
        serve(settings, host=args.host or settings.host, port=args.port or settings.port)
    finally:
        _after_serving(settings, stop_database=args.stop_db_on_exit and started_here)
    return 0


def _after_serving(settings: Settings, stop_database: bool) -> None:
    """The embedded database outlives the server unless asked; say which it is."""
    if settings.database_url:
        return
    from medisync.adapters.embedded_postgres import running_pid

    if stop_database:
        _db_stop(argparse.Namespace(), settings)
    elif running_pid(settings.data_dir) is not None:
        print(f"The embedded PostgreSQL in {_pgdata(settings)} keeps running (it was running before "
              "this server, or --stop-db-on-exit was not given). Stop it with: medisync db-stop",
              file=sys.stderr, flush=True)


def _pgdata(settings: Settings) -> str:
    return os.path.join(os.path.abspath(settings.data_dir), "pgdata")


def _db_url(_args: argparse.Namespace, settings: Settings) -> int:
    from medisync.interface.bootstrap import resolve_database_url

    print(resolve_database_url(settings))
    return 0


def _db_stop(_args: argparse.Namespace, settings: Settings) -> int:
    from medisync.adapters.embedded_postgres import stop_embedded

    if settings.database_url:
        print("an external database is configured (MEDISYNC_DATABASE_URL); nothing to stop")
        return 0
    pid = stop_embedded(settings.data_dir)
    if pid is None:
        print(f"the embedded PostgreSQL in {_pgdata(settings)} is not running; nothing to stop")
    else:
        print(f"stopped the embedded PostgreSQL in {_pgdata(settings)} (pid {pid})", flush=True)
    return 0


def _create_admin(args: argparse.Namespace, settings: Settings) -> int:
    from medisync.interface.bootstrap import ADMIN, bootstrap

    container = bootstrap(settings, ADMIN)
    try:
        result = container.identity.register_practice(args.email, args.password, args.full_name,
                                                      args.practice)
        print(f"created admin {result.id} of practice '{args.practice}'")
    finally:
        container.close()
    return 0


def _relay(_args: argparse.Namespace, settings: Settings) -> int:
    from medisync.interface.processes import run_relay

    run_relay(settings)
    return 0


def _project(args: argparse.Namespace, settings: Settings) -> int:
    from medisync.interface.processes import rebuild_projection, run_projectors

    if args.rebuild:
        print(f"rebuilt {args.rebuild} from {rebuild_projection(settings, args.rebuild)} events")
    else:
        run_projectors(settings, args.names)
    return 0


def _worker(_args: argparse.Namespace, settings: Settings) -> int:
    from medisync.interface.processes import run_worker

    run_worker(settings)
    return 0


def _analytics(_args: argparse.Namespace, settings: Settings) -> int:
    from medisync.interface.processes import run_analytics

    run_analytics(settings)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="medisync", description="MediSync clinical documentation backend")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the REST API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--stop-db-on-exit", action="store_true",
                       help="stop the embedded PostgreSQL when the server stops (what `make run` does)")
    serve.set_defaults(run=_serve)
    commands.add_parser("db-url", help="print the database URL (starts the embedded server)").set_defaults(run=_db_url)
    commands.add_parser("db-stop", help="stop the embedded database server (says what it stopped)").set_defaults(run=_db_stop)
    admin = commands.add_parser("create-admin", help="create a practice and its first admin")
    for name in ("--email", "--password", "--full-name", "--practice"):
        admin.add_argument(name, required=True)
    admin.set_defaults(run=_create_admin)
    commands.add_parser("relay", help="publish the event log to Kafka").set_defaults(run=_relay)
    project = commands.add_parser("project", help="run projections (all, or the named ones)")
    project.add_argument("names", nargs="*")
    project.add_argument("--rebuild", metavar="NAME", help="rebuild one read model and swap it in")
    project.set_defaults(run=_project)
    commands.add_parser("worker", help="the ML worker, consuming Kafka").set_defaults(run=_worker)
    commands.add_parser("analytics", help="example downstream analytics consumer").set_defaults(run=_analytics)
    audit_cli.register(commands)  # medisync audit history|state|export|verify|checkpoint, medisync retention run
    note_cli.register(commands)  # medisync note draft
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    from medisync.interface.http.observability import configure_logging

    configure_logging(settings.log_level, settings.log_format)  # JSON lines unless MEDISYNC_LOG_FORMAT=text
    logging.getLogger("kafka").setLevel(max(logging.WARNING, logging.getLogger().level))
    return args.run(args, settings)


if __name__ == "__main__":
    sys.exit(main())
