"""Long-running processes for a scaled-out deployment (issue: the stream).

Each runs until SIGTERM/SIGINT and then stops cleanly.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Callable

from eventsourcing.postgres import PostgresTrackingRecorder

from medisync.interface.bootstrap import Container, build_container, follow_erasures
from medisync.interface.settings import Settings

log = logging.getLogger("medisync")


def _until_signalled() -> threading.Event:
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    return stopping


def _require_kafka(settings: Settings) -> str:
    if not settings.kafka_bootstrap:
        raise SystemExit("MEDISYNC_KAFKA_BOOTSTRAP is not set; the embedded default runs this in `medisync serve`")
    return settings.kafka_bootstrap


def _with_container(settings: Settings, body: Callable[[Container, threading.Event], None]) -> None:
    container = build_container(settings)
    stopping = _until_signalled()
    try:
        body(container, stopping)
    finally:
        container.close()


def run_relay(settings: Settings) -> None:
    from medisync.adapters.kafka.relay import OutboxRelay

    bootstrap = _require_kafka(settings)

    def body(container: Container, stopping: threading.Event) -> None:
        tracker = PostgresTrackingRecorder(container.views["users"].datastore,
                                           tracking_table_name="relay_tracking")
        tracker.create_table()
        relay = OutboxRelay(container.app, tracker, bootstrap)
        threading.Thread(target=lambda: (stopping.wait(), relay.stop()), daemon=True).start()
        log.info("relay: notification log -> %s", bootstrap)
        relay.run_forever()

    _with_container(settings, body)


def run_projectors(settings: Settings, names: list[str]) -> None:
    from medisync.projections import ALL_PROJECTIONS

    unknown = set(names) - {p.name for p in ALL_PROJECTIONS}
    if unknown:
        raise SystemExit(f"unknown projection(s): {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(p.name for p in ALL_PROJECTIONS)}")

    def body(container: Container, stopping: threading.Event) -> None:
        container.start_projections(names or None, out_of_process=True)
        log.info("projecting: %s", ", ".join(f.name for f in container.followers))
        stopping.wait()

    _with_container(settings, body)


def rebuild_projection(settings: Settings, name: str) -> int:
    from tqdm import tqdm

    from medisync.adapters.postgres.rebuild import rebuild
    from medisync.projections import ALL_PROJECTIONS

    projection = next((p for p in ALL_PROJECTIONS if p.name == name), None)
    if projection is None:
        raise SystemExit(f"unknown projection {name!r}; known: {', '.join(p.name for p in ALL_PROJECTIONS)}")
    container = build_container(settings)
    try:
        total = container.app.recorder.max_notification_id() or 0
        with tqdm(total=total, unit="ev", desc=f"rebuild {name}") as bar:
            return rebuild(container.app, container.views[name].datastore, projection, bar.update)
    finally:
        container.close()


def run_worker(settings: Settings) -> None:
    from medisync.adapters.kafka.ml_consumer import run_ml_consumer

    bootstrap = _require_kafka(settings)

    def body(container: Container, stopping: threading.Event) -> None:
        if container.jobs is None:
            raise SystemExit("the ML extra is not installed: pip install 'medisync[ml]'")
        follow_erasures(container)  # the worker caches recordings and notes too
        log.info("ML worker consuming %s", bootstrap)
        run_ml_consumer(bootstrap, container.jobs, stopping)

    _with_container(settings, body)


def run_analytics(settings: Settings) -> None:
    from medisync.adapters.kafka.analytics import AnalyticsStore, run_analytics as consume

    bootstrap = _require_kafka(settings)

    def body(container: Container, stopping: threading.Event) -> None:
        store = AnalyticsStore(container.views["users"].datastore)
        store.create_tables()
        log.info("analytics consuming %s", bootstrap)
        consume(bootstrap, store, stopping)

    _with_container(settings, body)
