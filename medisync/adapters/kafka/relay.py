"""KafkaEventPublisher relay: the notification log (our outbox) → Kafka.

A subscription thread (Postgres LISTEN/NOTIFY) feeds a queue; the relay
drains it in batches, publishes each batch as integration events keyed by
aggregate id, waits for the broker's acknowledgement (acks=all, idempotent
producer), and only then records its tracking position. If the broker is
down the batch is retried with backoff from the last tracked position, so
nothing is lost; a crash may re-publish a batch, which consumers dedupe by
``event_id``.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import ApplicationSubscription

from medisync.adapters.backoff import keep_running
from medisync.adapters.kafka.client import ensure_topics, producer
from medisync.application.integration_events import TOPICS, to_messages

log = logging.getLogger(__name__)
MAX_BATCH = 500


def _report_interruption(error: Exception, wait_s: float) -> None:
    log.warning("relay interrupted (%s); resuming from the tracked position in %.1fs",
                type(error).__name__, wait_s)


class OutboxRelay:
    def __init__(self, app: Application[Any], tracker: PostgresTrackingRecorder, bootstrap: str) -> None:
        self.app = app
        self.tracker = tracker
        self.bootstrap = bootstrap
        self.stopping = threading.Event()
        self.published = 0

    def run_forever(self) -> None:
        # Broker or database down: back off, then resume from the tracked position.
        keep_running(self._relay, self.stopping, _report_interruption, first_s=0.5, max_s=10.0)

    def stop(self) -> None:
        self.stopping.set()

    def _relay(self) -> None:
        ensure_topics(self.bootstrap, TOPICS)
        kafka = producer(self.bootstrap)
        try:  # the producer is closed however this ends, even if the database is down before the loop
            feed: queue.Queue[tuple[Any, Tracking]] = queue.Queue(maxsize=10 * MAX_BATCH)
            subscription = ApplicationSubscription(self.app, gt=self.tracker.max_tracking_id(self.app.name))
            try:
                reader = threading.Thread(target=_pump, args=(subscription, feed, self.stopping), daemon=True)
                reader.start()
                while not self.stopping.is_set():
                    batch = _drain(feed, timeout=0.5)
                    if batch:
                        self._publish(kafka, batch)
                    elif not reader.is_alive():
                        raise ConnectionError("the notification-log subscription ended")
            finally:
                subscription.stop()
        finally:
            kafka.close(timeout=5)

    def _publish(self, kafka: Any, batch: list[tuple[Any, Tracking]]) -> None:
        futures = []
        for domain_event, _tracking in batch:
            for topic, envelope in to_messages(domain_event):
                futures.append(kafka.send(topic, key=envelope["aggregate_id"], value=envelope))
        kafka.flush(timeout=15)
        for future in futures:
            future.get(timeout=15)  # raises if the broker did not acknowledge
        # Only now, after the acknowledgement, move the outbox position.
        self.tracker.insert_tracking(batch[-1][1])
        self.published += len(futures)


def _pump(subscription: ApplicationSubscription[Any], feed: queue.Queue[Any], stopping: threading.Event) -> None:
    try:
        for item in subscription:
            while not stopping.is_set():
                try:
                    feed.put(item, timeout=0.5)
                    break
                except queue.Full:
                    continue
    except Exception:  # noqa: BLE001 - the relay loop notices the stalled feed and restarts
        log.exception("relay subscription ended")


def _drain(feed: queue.Queue[Any], timeout: float) -> list[Any]:
    try:
        batch = [feed.get(timeout=timeout)]
    except queue.Empty:
        return []
    while len(batch) < MAX_BATCH:
        try:
            batch.append(feed.get_nowait())
        except queue.Empty:
            break
    return batch
