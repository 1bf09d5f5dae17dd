"""`medisync worker`: the ML worker as a Kafka consumer (group ``medisync-ml``).

Decode, pick the command, handle, then commit the offset: a worker killed
mid-job gets the message again and the Recording aggregate makes the retry
harmless.
"""

from __future__ import annotations

import logging
import threading
from typing import Any


from medisync.adapters.kafka.client import commit_past, consumer

log = logging.getLogger(__name__)
GROUP = "medisync-ml"
TOPIC = "medisync.recording.v1"


def run_ml_consumer(bootstrap: str, jobs: Any, stopping: threading.Event) -> None:
    kafka = consumer(bootstrap, GROUP, [TOPIC], max_poll_records=1, max_poll_interval_ms=3600_000)
    try:
        while not stopping.is_set():
            for message in kafka:
                envelope = message.value
                if envelope.get("type") == "recording.uploaded":
                    jobs.handle_uploaded(envelope["aggregate_id"])
                commit_past(kafka, message)
                if stopping.is_set():
                    break
    finally:
        kafka.close()
