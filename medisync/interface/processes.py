"""The processes, each built with only what it runs (``bootstrap`` parts, D58).

``medisync serve`` (the API; in the embedded default also the projections and the ML worker)
starts its followers with ``start_background_work``. The scaled-out processes (relay, projectors,
ML worker, analytics) run until SIGTERM/SIGINT and then stop cleanly.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any, Callable, Iterable

from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.utils import get_topic

from medisync.adapters.log_follower import LogFollower
from medisync.domain.patient import Patient
from medisync.domain.recording import Recording
from medisync.interface.bootstrap import (ANALYTICS, PROJECTOR, REBUILD, RELAY, WORKER, Container,
                                          bootstrap)
from medisync.interface.settings import Settings

log = logging.getLogger("medisync")


def start_background_work(container: Container) -> None:
    """The embedded default: projections and the ML worker in the API process."""
    if container.settings.run_projections:
        container.start_projections()
    # With a broker configured, the ML worker is its own process (`medisync worker`).
    in_process_worker = container.settings.run_worker and not container.settings.kafka_bootstrap
    if in_process_worker and container.jobs is not None:
        container.add_follower(ml_worker_follower(container))
    follow_erasures(container)


def follow_erasures(container: Container) -> None:
    """Processes that cache aggregates (the API, the ML worker) forget erased patients."""
    if container.settings.aggregate_cache_size:
        container.add_follower(erasure_evictor(container))


def erasure_evictor(container: Container) -> LogFollower:
    """When any process erases a patient, drop that patient's decrypted
    aggregates from this process's aggregate cache (D25)."""
    app = container.app
    assert app is not None
    seen = [app.recorder.max_notification_id() or 0]  # only erasures from now on matter

    def handle(event: Any, tracking: Any) -> None:
        app.forget_cached(str(event.originator_id))
        seen[0] = tracking.notification_id

    return LogFollower("erasure-evictor", app, handle, start_after=lambda: seen[0],
                       topics=(get_topic(Patient.Erased),), dead_letters=container.dead_letters,
                       subscribe=container.log_subscription(), stalls=container.stalls)


def ml_worker_follower(container: Container) -> LogFollower:
    tracker = PostgresTrackingRecorder(container.datastore, tracking_table_name="ml_worker_tracking")
    tracker.create_table()
    app, jobs = container.app, container.jobs
    assert app is not None and jobs is not None

    def handle(event: Any, tracking: Any) -> None:
        jobs.handle_uploaded(str(event.originator_id))
        tracker.insert_tracking(tracking)

    return LogFollower("ml-worker", app, handle, start_after=lambda: tracker.max_tracking_id(app.name),
                       topics=(get_topic(Recording.Uploaded),), dead_letters=container.dead_letters,
                       subscribe=container.log_subscription(), stalls=container.stalls)


def _until_signalled() -> threading.Event:
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    return stopping


def _require_kafka(settings: Settings) -> str:
    if not settings.kafka_bootstrap:
        raise SystemExit("MEDISYNC_KAFKA_BOOTSTRAP is not set; the embedded default runs this in `medisync serve`")
    return settings.kafka_bootstrap


def _with_container(settings: Settings, parts: Iterable[str],
                    body: Callable[[Container, threading.Event], None]) -> None:
    container = bootstrap(settings, parts)
    stopping = _until_signalled()
    try:
        body(container, stopping)
    finally:
        container.close()


def run_relay(settings: Settings) -> None:
    from medisync.adapters.kafka.relay import OutboxRelay

    broker = _require_kafka(settings)

    def body(container: Container, stopping: threading.Event) -> None:
        tracker = PostgresTrackingRecorder(container.datastore, tracking_table_name="relay_tracking")
        tracker.create_table()
        relay = OutboxRelay(container.app, tracker, broker)
        threading.Thread(target=lambda: (stopping.wait(), relay.stop()), daemon=True).start()
        log.info("relay: notification log -> %s", broker)
        relay.run_forever()

    _with_container(settings, RELAY, body)


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

    # All of them includes the audit hash chain, which follows the whole log too.
    _with_container(settings, PROJECTOR if names else (*PROJECTOR, "audit"), body)


def rebuild_projection(settings: Settings, name: str) -> int:
    from tqdm import tqdm

    from medisync.adapters.postgres.rebuild import rebuild
    from medisync.projections import ALL_PROJECTIONS

    projection = next((p for p in ALL_PROJECTIONS if p.name == name), None)
    if projection is None:
        raise SystemExit(f"unknown projection {name!r}; known: {', '.join(p.name for p in ALL_PROJECTIONS)}")
    container = bootstrap(settings, REBUILD)
    try:
        total = container.app.recorder.max_notification_id() or 0
        with tqdm(total=total, unit="ev", desc=f"rebuild {name}") as bar:
            return rebuild(container.app, container.datastore, projection, bar.update)
    finally:
        container.close()


def run_worker(settings: Settings) -> None:
    from medisync.adapters.kafka.ml_consumer import run_ml_consumer

    broker = _require_kafka(settings)

    def body(container: Container, stopping: threading.Event) -> None:
        if container.jobs is None:
            raise SystemExit("the ML extra is not installed: pip install 'medisync[ml]'")
        follow_erasures(container)  # the worker caches recordings and notes too
        log.info("ML worker consuming %s", broker)
        run_ml_consumer(broker, container.jobs, stopping)

    _with_container(settings, WORKER, body)


def run_analytics(settings: Settings) -> None:
    from medisync.adapters.kafka.analytics import AnalyticsStore, run_analytics as consume

    broker = _require_kafka(settings)

    def body(container: Container, stopping: threading.Event) -> None:
        store = AnalyticsStore(container.datastore)
        store.create_tables()
        log.info("analytics consuming %s", broker)
        consume(broker, store, stopping)

    _with_container(settings, ANALYTICS, body)
