"""The real OutboxRelay in its own process, publishing to bench-prefixed topics.

    python -m bench.relay_proc PREFIX

Same code path as ``medisync relay`` (settings from MEDISYNC_* variables);
only the topic names get PREFIX, so benchmark traffic never lands on the
topics that tests and consumers read.
"""

from __future__ import annotations

import signal
import sys
import threading

from eventsourcing.postgres import PostgresTrackingRecorder

from medisync.adapters.kafka import relay as relay_module
from medisync.interface.bootstrap import RELAY, bootstrap
from medisync.interface.settings import Settings


def main() -> None:
    prefix = sys.argv[1]
    original = relay_module.to_messages
    relay_module.TOPICS = {prefix + name: partitions for name, partitions in relay_module.TOPICS.items()}
    relay_module.to_messages = lambda event: [(prefix + topic, envelope) for topic, envelope in original(event)]
    settings = Settings.from_env()
    container = bootstrap(settings, RELAY)
    tracker = PostgresTrackingRecorder(container.datastore, tracking_table_name="relay_tracking")
    tracker.create_table()
    relay = relay_module.OutboxRelay(container.app, tracker, settings.kafka_bootstrap or "")
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: (stopping.set(), relay.stop()))
    try:
        relay.run_forever()
    finally:
        container.close()


if __name__ == "__main__":
    main()
