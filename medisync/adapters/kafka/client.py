"""kafka-python producers, consumers and topic admin with MediSync's settings."""

from __future__ import annotations

import json
import logging
from typing import Any, Iterable

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError
from kafka.structs import OffsetAndMetadata

log = logging.getLogger(__name__)


def encode(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def decode(raw: bytes) -> dict[str, Any]:
    return json.loads(raw.decode())


def producer(bootstrap: str, **overrides: Any) -> KafkaProducer:
    """Idempotent, acks=all: a send is acknowledged only once fully replicated."""
    config = dict(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True,
                  linger_ms=5, max_in_flight_requests_per_connection=5, retries=5,
                  request_timeout_ms=10000, max_block_ms=10000, bootstrap_timeout_ms=10000,
                  key_serializer=lambda key: key.encode(), value_serializer=encode)
    config.update(overrides)
    return KafkaProducer(**config)


def consumer(bootstrap: str, group_id: str | None, topics: Iterable[str], **overrides: Any) -> KafkaConsumer:
    config = dict(bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False,
                  auto_offset_reset="earliest", value_deserializer=decode,
                  bootstrap_timeout_ms=10000, consumer_timeout_ms=1000)
    config.update(overrides)
    kafka_consumer = KafkaConsumer(**config)
    try:
        kafka_consumer.subscribe(list(topics))
    except Exception:
        kafka_consumer.close()
        raise
    return kafka_consumer


def ensure_topics(bootstrap: str, partitions: dict[str, int]) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, bootstrap_timeout_ms=10000)
    try:
        existing = set(admin.list_topics())
        missing = [NewTopic(name, count, 1) for name, count in partitions.items() if name not in existing]
        if missing:
            try:
                admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass  # created meanwhile by another process
    finally:
        admin.close()


def commit_past(kafka: KafkaConsumer, message: Any) -> None:
    """Commit the offset after ``message``: called once its effect is saved."""
    offset = OffsetAndMetadata(message.offset + 1, "", -1)
    kafka.commit({TopicPartition(message.topic, message.partition): offset})
