"""`medisync worker`: the ML worker as a Kafka consumer (group ``medisync-ml``).

Decode, pick the command, handle, then commit the offset: a worker killed
mid-job gets the message again and the Recording aggregate makes the retry
harmless.

A job may run for minutes, so the poll interval is an hour; a dead worker is
found by its missing heartbeats instead, after ``SESSION_TIMEOUT_MS`` (D221):
kafka-python's default of 45 s held a killed worker's partition, and the
visit it was transcribing, that long before another worker could take it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from kafka.errors import CommitFailedError, RebalanceInProgressError

from medisync.adapters.kafka.client import commit_past, consumer

log = logging.getLogger(__name__)
GROUP = "medisync-ml"
TOPIC = "medisync.recording.v1"
#: heartbeats every 3 s (the client's default); three missed ones and the partition moves on
SESSION_TIMEOUT_MS = 10_000


def run_ml_consumer(bootstrap: str, jobs: Any, stopping: threading.Event) -> None:
    kafka = consumer(bootstrap, GROUP, [TOPIC], max_poll_records=1, max_poll_interval_ms=3600_000,
                     session_timeout_ms=SESSION_TIMEOUT_MS)
    try:
        while not stopping.is_set():
            for message in kafka:
                envelope = message.value
                if envelope.get("type") == "recording.uploaded":
                    jobs.handle_uploaded(envelope["aggregate_id"])
                _commit(kafka, message)
                if stopping.is_set():
                    break
    finally:
        kafka.close()


def _commit(kafka: Any, message: Any) -> None:
    """Commit past ``message``; a worker that stalled past the session timeout mid-job (D224) has lost its
    partition meanwhile, and the commit is refused: the job's events are saved, the partition's next owner gets
    the message again and finds the job done, so the worker logs it and goes on (it rejoins on its next poll)."""
    try:
        commit_past(kafka, message)
    except (CommitFailedError, RebalanceInProgressError) as refused:
        log.warning("offset commit refused after a rebalance (%s); the message will be redelivered",
                    type(refused).__name__)
