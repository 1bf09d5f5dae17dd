"""The ``medisync`` command line."""

from __future__ import annotations

import argparse
import logging
import sys

from medisync.interface.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from medisync.interface.server import serve

    serve(settings, host=args.host or settings.host, port=args.port or settings.port)
    return 0


def _db_url(_args: argparse.Namespace, settings: Settings) -> int:
    from medisync.interface.bootstrap import resolve_database_url

    print(resolve_database_url(settings))
    return 0


def _db_stop(_args: argparse.Namespace, settings: Settings) -> int:
    from medisync.adapters.embedded_postgres import stop_embedded

    if settings.database_url:
        print("an external database is configured; nothing to stop", file=sys.stderr)
        return 0
    stop_embedded(settings.data_dir)
    return 0


def _create_admin(args: argparse.Namespace, settings: Settings) -> int:
    from medisync.interface.bootstrap import build_container

    container = build_container(settings)
    try:
        result = container.identity.register_practice(args.email, args.password, args.full_name,
                                                      args.practice)
        print(f"created admin {result.id} of practice '{args.practice}'")
    finally:
        container.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="medisync", description="MediSync clinical documentation backend")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the REST API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=_serve)
    commands.add_parser("db-url", help="print the database URL (starts the embedded server)").set_defaults(run=_db_url)
    commands.add_parser("db-stop", help="stop the embedded database server").set_defaults(run=_db_stop)
    admin = commands.add_parser("create-admin", help="create a practice and its first admin")
    for name in ("--email", "--password", "--full-name", "--practice"):
        admin.add_argument(name, required=True)
    admin.set_defaults(run=_create_admin)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level.upper(), format="%(message)s")
    return args.run(args, settings)


if __name__ == "__main__":
    sys.exit(main())
