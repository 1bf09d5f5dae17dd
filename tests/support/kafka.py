"""Read topics with a stock kafka-python consumer (no consumer group)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from typing import Any, Callable

from kafka import KafkaConsumer, TopicPartition

from tests.support.server import REPO

ALL_TOPICS = ("medisync.patient.v1", "medisync.appointment.v1", "medisync.recording.v1",
              "medisync.note.v1", "medisync.document.v1", "medisync.user.v1")


def bootstrap() -> str:
    """The broker `make test` started; started here if a developer runs pytest alone."""
    configured = os.environ.get("MEDISYNC_KAFKA_BOOTSTRAP")
    if configured:
        return configured
    subprocess.run([str(REPO / "deploy/local/kafka.sh"), "start"], check=True)
    return "127.0.0.1:" + os.environ.get("MEDISYNC_KAFKA_PORT", "9092")


def read_until(servers: str, topics: tuple[str, ...], done: Callable[[list[dict[str, Any]]], bool],
               timeout: float = 60.0, raw: bool = False) -> list[Any]:
    """All messages of the topics from the beginning, until ``done`` says enough."""
    consumer = KafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False,
                             bootstrap_timeout_ms=10000)
    try:
        partitions = _partitions_once_created(consumer, topics, timeout)
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        seen: list[Any] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                seen.extend(records if raw else (json.loads(r.value) for r in records))
            if done(seen if not raw else [json.loads(r.value) for r in seen]):
                break
        return seen
    finally:
        consumer.close()


def for_practice(envelopes: list[dict[str, Any]], practice_id: str) -> list[dict[str, Any]]:
    return [e for e in envelopes if e.get("practice_id") == practice_id]


def kafka_script(action: str) -> None:
    subprocess.run([str(REPO / "deploy/local/kafka.sh"), action], check=True, timeout=180)


def _partitions_once_created(consumer: KafkaConsumer, topics: tuple[str, ...],
                             timeout: float) -> list[TopicPartition]:
    """The relay creates the topics when it starts; wait for them."""
    deadline = time.monotonic() + timeout
    while True:
        found = {t: consumer.partitions_for_topic(t) for t in topics}
        if all(found.values()) or time.monotonic() > deadline:
            return [TopicPartition(t, p) for t, parts in found.items() for p in (parts or set())]
        time.sleep(0.5)


def wait_caught_up(servers: str, group: str, topics: tuple[str, ...], timeout: float = 90.0) -> None:
    """Until the consumer group's committed offsets reach the end of every partition."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=servers, bootstrap_timeout_ms=10000)
    try:
        probe = KafkaConsumer(bootstrap_servers=servers, bootstrap_timeout_ms=10000)
    except Exception:
        admin.close()
        raise
    try:
        partitions = _partitions_once_created(probe, topics, timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ends = probe.end_offsets(partitions)
            committed = admin.list_group_offsets({group: None}).get(group, {})
            if all((committed[p].offset if p in committed else 0) >= end
                   for p, end in ends.items()):
                return
            time.sleep(0.5)
        raise AssertionError(f"consumer group {group} did not catch up within {timeout}s")
    finally:
        probe.close()
        admin.close()
