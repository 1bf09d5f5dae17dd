"""Turn a database URL into eventsourcing's settings and datastores."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlparse

from eventsourcing.postgres import PostgresDatastore


def connection_params(url: str) -> dict[str, str]:
    """host, port, dbname, user, password from a postgresql:// URL.

    A socket directory given as ``?host=/path`` (the embedded server's form)
    is honoured as the host.
    """
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    return {
        "host": query.get("host", [parsed.hostname or "localhost"])[0],
        "port": str(parsed.port or query.get("port", ["5432"])[0]),
        "dbname": unquote(parsed.path.lstrip("/")) or "postgres",
        "user": unquote(parsed.username or "postgres"),
        "password": unquote(parsed.password or ""),
    }


def eventsourcing_env(url: str, pool_size: int, max_overflow: int,
                      aggregate_cache_size: int = 0) -> dict[str, str]:
    params = connection_params(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": params["dbname"],
        "POSTGRES_HOST": params["host"],
        "POSTGRES_PORT": params["port"],
        "POSTGRES_USER": params["user"],
        "POSTGRES_PASSWORD": params["password"],
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": str(max_overflow),
        "POSTGRES_PRE_PING": "y",
        # Off on purpose: with it on, every application in a schema shares
        # one insert function and the last one created wins (see decisions).
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        "CREATE_TABLE": "y",
        # A command loads its aggregates from an LRU cache and fast-forwards
        # them from the store, instead of replaying (and decrypting) every event.
        "AGGREGATE_CACHE_MAXSIZE": str(aggregate_cache_size) if aggregate_cache_size else "",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
    }


def datastore(url: str, pool_size: int = 4, max_overflow: int = 8) -> PostgresDatastore:
    params = connection_params(url)
    return PostgresDatastore(
        dbname=params["dbname"], host=params["host"], port=params["port"],
        user=params["user"], password=params["password"], pool_size=pool_size,
        max_overflow=max_overflow, pre_ping=True, connect_timeout=10)
