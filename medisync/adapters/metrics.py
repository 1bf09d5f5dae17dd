"""Prometheus metrics (``prometheus-client``): what MediSync exposes on ``/metrics``.

Two kinds of figures:

- **Per-process counters and histograms**, incremented where the work happens:
  HTTP requests (by the interface's middleware), events appended (by wrapping
  the application's ``save``), ML jobs (by wrapping the worker's
  ``handle_uploaded``). They live in :data:`REGISTRY`, one per process.
- **Shared state read at scrape time** by :class:`StateCollector`: projection
  lag, relay lag, the worker's queue depth, recordings by transcription
  status and the database pools. These come from the database (and Kafka),
  so any API process reports the same values, whichever processes run the
  projections, the relay or the worker.

Nothing here reads PHI: labels are route templates, event class names,
projection names and statuses.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Iterator

from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               disable_created_metrics, generate_latest)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from medisync.domain.errors import DomainError

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST

disable_created_metrics()  # no *_created series: they double the output and nobody graphs them

# One registry per process for MediSync's own counters (not the library's global
# default, so importing this module twice in tests never double-registers).
REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                   10.0, 30.0)
HTTP_REQUESTS = Counter("medisync_http_requests", "HTTP requests by route template, method and status",
                        ("route", "method", "status"), registry=REGISTRY)
HTTP_LATENCY = Histogram("medisync_http_request_duration_seconds",
                         "HTTP request latency by route template and method, in seconds",
                         ("route", "method"), buckets=LATENCY_BUCKETS, registry=REGISTRY)
EVENTS_APPENDED = Counter("medisync_events_appended", "Domain events appended by this process, by event type",
                          ("type",), registry=REGISTRY)
DEAD_LETTERS = Counter("medisync_dead_letters", "Events a log follower could not decode and parked in "
                       "ops.dead_letters, by follower", ("follower",), registry=REGISTRY)
ML_JOBS = Counter("medisync_ml_jobs", "ML transcription jobs handled by this process, by outcome",
                  ("outcome",), registry=REGISTRY)
ML_JOB_SECONDS = Histogram("medisync_ml_job_duration_seconds",
                           "ML transcription job duration (transcribe + note draft), by outcome",
                           ("outcome",), buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800),
                           registry=REGISTRY)

# The recording statuses the ML worker has still to act on.
PENDING_STATUSES = ("pending", "processing", "failed")


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_LATENCY.labels(route, method).observe(seconds)


def instrument_application(app: Any) -> Any:
    """Count appended events by type: wraps ``app.save`` (``commit`` goes through it)."""
    if getattr(app, "_metrics_instrumented", False):
        return app
    save = app.save

    def counted_save(*objs: Any, **kwargs: Any) -> Any:
        stored_events = save(*objs, **kwargs)  # eventsourcing's "Recording"s: event + notification
        for stored in stored_events or ():
            EVENTS_APPENDED.labels(type(stored.domain_event).__qualname__).inc()
        return stored_events

    app.save = counted_save
    app._metrics_instrumented = True
    return app


def instrument_jobs(jobs: Any) -> Any:
    """Time the ML worker's jobs and count them by the recording's status afterwards."""
    if jobs is None or getattr(jobs, "_metrics_instrumented", False):
        return jobs
    handle = jobs.handle_uploaded

    def status_of(recording_id: str) -> str:
        try:
            recording = jobs.recordings.load(recording_id)
        except DomainError:  # unknown here (erased, another deployment's message): the job skips it
            return "missing"
        return "deleted" if recording.deleted else str(recording.transcription_status)

    def timed(recording_id: str) -> None:
        start = time.perf_counter()
        outcome = "error"
        try:
            before = status_of(recording_id)
            if before in ("completed", "dead_lettered", "deleted", "missing"):
                outcome = "skipped"
            handle(recording_id)
            if outcome != "skipped":
                outcome = status_of(recording_id)
        finally:
            ML_JOBS.labels(outcome).inc()
            ML_JOB_SECONDS.labels(outcome).observe(time.perf_counter() - start)

    jobs.handle_uploaded = timed
    jobs._metrics_instrumented = True
    return jobs


class KafkaGroupLag:
    """Consumer-group lag (end offset − committed offset) of one group on one topic.

    The clients are created once and reused; values are cached for a few
    seconds so a busy scraper does not hammer the broker. On any error the
    clients are dropped and rebuilt on the next scrape.
    """

    def __init__(self, bootstrap: str, group: str, topic: str, cache_s: float = 5.0) -> None:
        self.bootstrap = bootstrap
        self.group = group
        self.topic = topic
        self.cache_s = cache_s
        self._clients: tuple[Any, Any] | None = None
        self._cached: tuple[float, int] | None = None
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            now = time.monotonic()
            if self._cached and now - self._cached[0] < self.cache_s:
                return self._cached[1]
            try:
                lag = self._measure()
            except Exception:
                self.close()
                raise
            self._cached = (now, lag)
            return lag

    def _measure(self) -> int:
        from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

        if self._clients is None:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=3000,
                                     bootstrap_timeout_ms=3000)
            try:
                probe = KafkaConsumer(bootstrap_servers=self.bootstrap, request_timeout_ms=3000,
                                      bootstrap_timeout_ms=3000, enable_auto_commit=False)
            except Exception:
                admin.close()  # its broker connection is not left to the garbage collector
                raise
            self._clients = (admin, probe)
        admin, probe = self._clients
        partitions = [TopicPartition(self.topic, p) for p in (probe.partitions_for_topic(self.topic) or ())]
        if not partitions:
            return 0
        ends = probe.end_offsets(partitions)
        committed = admin.list_group_offsets({self.group: None}).get(self.group, {})
        return sum(max(end - (committed[p].offset if p in committed and committed[p].offset >= 0 else 0), 0)
                   for p, end in ends.items())

    def close(self) -> None:
        if self._clients is not None:
            for client in self._clients:
                try:
                    client.close()
                except Exception:  # noqa: BLE001 - best effort
                    pass
            self._clients = None


class StateCollector(Collector):
    """Scrape-time gauges read from the database (and Kafka).

    ``sources`` is a small dict of callables, so this adapter knows nothing of
    the interface's container:

    - ``head()`` → the notification log's last id
    - ``positions()`` → {projection: last notification id it has passed}
    - ``committed_at(notification_id)`` → the event's timestamp (datetime)
    - ``relay_position()`` → the relay's tracked id, or None without a relay
    - ``queue_depth()`` → (source label, depth)
    - ``recordings_by_status()`` → {status: count}
    - ``pools()`` → {pool name: psycopg_pool ConnectionPool}
    - ``row_cache()`` (optional) → (hits, misses) of the appointment row cache, or None when off
    - ``stalls()`` (optional) → the stalled log followers' rows (``ops.follower_stalls``, D87)

    Each section is independent: a failing source is logged and counted in
    ``medisync_metrics_scrape_errors`` instead of failing the whole scrape.
    """

    def __init__(self, sources: dict[str, Callable[..., Any]]) -> None:
        self.sources = sources
        self.errors: dict[str, int] = {}

    def describe(self) -> Iterable[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        now = datetime.now(timezone.utc)
        head = self._safe("head", lambda: int(self.sources["head"]() or 0))
        age_of_next = self._age_reader(head, now)
        head_gauge = GaugeMetricFamily("medisync_event_log_head", "Last notification id of the event log")
        if head is not None:
            head_gauge.add_metric([], head)
        yield head_gauge
        yield from self._projection_lag(head, age_of_next)
        yield from self._relay_lag(head, age_of_next)
        yield self._queue_depth()
        yield self._recordings()
        yield self._pools()
        yield self._row_cache()
        yield from self._stalls(now)
        yield self._scrape_errors()

    def _age_reader(self, head: int | None, now: datetime) -> Callable[[int], float]:
        """``age_of_next(position)``: seconds since the first event after ``position`` was committed
        (0 if caught up), each position read once per scrape."""
        ages: dict[int, float] = {}

        def age_of_next(position: int) -> float:
            if head is None or position >= head:
                return 0.0
            if position not in ages:
                stamp = self.sources["committed_at"](position + 1)
                ages[position] = max((now - stamp).total_seconds(), 0.0) if stamp else 0.0
            return ages[position]
        return age_of_next

    def _projection_lag(self, head: int | None, age_of_next: Callable[[int], float]) -> tuple[Metric, Metric]:
        lag_events = GaugeMetricFamily("medisync_projection_lag_events",
                                       "Events in the log that the projection has not passed yet",
                                       labels=["projection"])
        lag_seconds = GaugeMetricFamily("medisync_projection_lag_seconds",
                                        "Age of the oldest event the projection has not passed yet",
                                        labels=["projection"])
        positions = self._safe("positions", self.sources["positions"]) or {}
        for name, position in sorted(positions.items()):
            if head is None:
                continue
            lag_events.add_metric([name], max(head - int(position or 0), 0))
            seconds = self._safe("projection_lag_seconds", lambda p=int(position or 0): age_of_next(p))
            if seconds is not None:
                lag_seconds.add_metric([name], seconds)
        return lag_events, lag_seconds

    def _relay_lag(self, head: int | None, age_of_next: Callable[[int], float]) -> tuple[Metric, Metric]:
        relay_events = GaugeMetricFamily("medisync_relay_lag_events",
                                         "Events in the log the relay has not published to Kafka yet")
        relay_seconds = GaugeMetricFamily("medisync_relay_lag_seconds",
                                          "Age of the oldest event the relay has not published yet")
        relay = self._safe("relay_position", self.sources["relay_position"])
        if relay is not None and head is not None:
            relay_events.add_metric([], max(head - relay, 0))
            seconds = self._safe("relay_lag_seconds", lambda: age_of_next(relay))
            if seconds is not None:
                relay_seconds.add_metric([], seconds)
        return relay_events, relay_seconds

    def _queue_depth(self) -> Metric:
        depth = GaugeMetricFamily("medisync_worker_queue_depth",
                                  "ML worker backlog: consumer-group lag of medisync-ml (Kafka mode) "
                                  "or recordings awaiting transcription (embedded mode)",
                                  labels=["source"])
        queued = self._safe("queue_depth", self.sources["queue_depth"])
        if queued is not None:
            depth.add_metric([queued[0]], queued[1])
        return depth

    def _recordings(self) -> Metric:
        by_status = GaugeMetricFamily("medisync_recordings_by_transcription_status",
                                      "Recordings (not deleted) by transcription status, all processes",
                                      labels=["status"])
        for status, count in sorted((self._safe("recordings", self.sources["recordings_by_status"]) or {}).items()):
            by_status.add_metric([status], count)
        return by_status

    def _pools(self) -> Metric:
        pool_gauge = GaugeMetricFamily("medisync_db_pool_connections",
                                       "Database pool connections by state (in_use, idle, max) "
                                       "and requests waiting for one", labels=["pool", "state"])
        for name, pool in sorted((self._safe("pools", self.sources["pools"]) or {}).items()):
            stats = pool.get_stats()
            size, idle = stats.get("pool_size", 0), stats.get("pool_available", 0)
            pool_gauge.add_metric([name, "in_use"], max(size - idle, 0))
            pool_gauge.add_metric([name, "idle"], idle)
            pool_gauge.add_metric([name, "max"], stats.get("pool_max", 0))
            pool_gauge.add_metric([name, "waiting"], stats.get("requests_waiting", 0))
        return pool_gauge

    def _row_cache(self) -> Metric:
        reads = CounterMetricFamily("medisync_row_cache_reads", "Single-appointment reads answered from "
                                    "this process's row cache (hit) or the database (miss), D78",
                                    labels=["result"])
        counts = self._safe("row_cache", self.sources.get("row_cache", lambda: None))
        if counts is not None:
            reads.add_metric(["hit"], counts[0])
            reads.add_metric(["miss"], counts[1])
        return reads

    def _stalls(self, now: datetime) -> tuple[Metric, Metric]:
        labels = ["follower", "process", "error"]
        position = GaugeMetricFamily("medisync_follower_stalled_position", "Notification id of the event a "
                                     "stalled log follower cannot apply and retries (0: reading the log "
                                     "fails), D87", labels=labels)
        seconds = GaugeMetricFamily("medisync_follower_stalled_seconds",
                                    "Seconds a log follower has been stalled, D87", labels=labels)
        for stall in self._safe("stalls", self.sources.get("stalls", lambda: [])) or []:
            key = [stall["follower"], stall["process"], stall["error"]]
            position.add_metric(key, stall["notification_id"] or 0)
            seconds.add_metric(key, max((now - stall["since"]).total_seconds(), 0.0))
        return position, seconds

    def _scrape_errors(self) -> Metric:
        errors = GaugeMetricFamily("medisync_metrics_scrape_errors",
                                   "Scrape-time sources that failed since the process started",
                                   labels=["source"])
        for source, count in sorted(self.errors.items()):
            errors.add_metric([source], count)
        return errors

    def _safe(self, source: str, read: Callable[[], Any]) -> Any:
        try:
            return read()
        except Exception as error:  # noqa: BLE001 - one broken source must not break the scrape
            self.errors[source] = self.errors.get(source, 0) + 1
            log.warning("metrics source %s failed: %s", source, type(error).__name__)
            return None


def render(*registries: CollectorRegistry) -> bytes:
    """The text exposition of several registries (their families never overlap)."""
    return b"".join(generate_latest(registry) for registry in registries)


def state_registry(collector: StateCollector) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


# --- Database-backed sources (used by the interface to build a StateCollector) ---

def relay_position(datastore: Any, application_name: str, table: str = "relay_tracking") -> int | None:
    """The relay's tracked position, or None when no relay has ever run on this database."""
    from psycopg.sql import SQL, Identifier

    with datastore.get_connection() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) AS found", (f"{datastore.schema}.{table}",))
        row = cursor.fetchone()
        if not row or row["found"] is None:
            return None
        cursor.execute(SQL("SELECT max(notification_id) AS position FROM {} WHERE application_name = %s")
                       .format(Identifier(datastore.schema, table)), (application_name,))
        row = cursor.fetchone()
        return int(row["position"] or 0) if row else 0


def recordings_by_status(datastore: Any) -> dict[str, int]:
    from medisync.adapters.postgres.schema import READ_SCHEMA
    from psycopg.sql import SQL, Identifier

    with datastore.get_connection() as conn, conn.cursor() as cursor:
        cursor.execute(SQL("SELECT transcription_status AS status, count(*) AS n FROM {} "
                           "WHERE deleted_at IS NULL GROUP BY 1").format(Identifier(READ_SCHEMA, "recordings")))
        return {str(row["status"]): int(row["n"]) for row in cursor.fetchall()}


def pending_recordings(datastore: Any) -> int:
    counts = recordings_by_status(datastore)
    return sum(counts.get(status, 0) for status in PENDING_STATUSES)


def committed_at(app: Any, notification_id: int) -> datetime | None:
    """When the event with this notification id happened (its domain timestamp)."""
    notifications = app.recorder.select_notifications(notification_id, 1)
    if not notifications:
        return None
    stamp = getattr(app.mapper.to_domain_event(notifications[0]), "timestamp", None)
    if isinstance(stamp, datetime) and stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp
