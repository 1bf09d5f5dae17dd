"""Keep the event hash chain up to date, and sign checkpoints now and then.

``EventChainer.catch_up`` reads the stored events after the chain head (the
raw records, exactly as stored) and appends their links to
``audit.event_chain``. ``AuditChainFollower`` runs in a background thread
woken by the event store's LISTEN/NOTIFY subscription (like the projections'
``LogFollower``), plus a timer thread that signs a checkpoint every
``checkpoint_interval_s`` when a chain has moved. It catches up once when it
(re)subscribes; after that it chains what the subscription hands it (every
notification, in log order, as stored), in batches of what is there, each in
one compare-and-swap statement from the head it last wrote (``EventChainer.chain``,
D82), and catches up from the store only when another writer moved the head.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any, Callable, Mapping, Sequence

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from medisync.adapters.backoff import keep_running
from medisync.adapters.postgres.audit_store import PostgresAuditStore
from medisync.application.audit.records import EventMeta

log = logging.getLogger(__name__)

BATCH = 500


def _uuid_or_none(value: Any) -> str | None:
    try:
        return str(uuid.UUID(str(value))) if value else None
    except ValueError:
        return None


class EventChainer:
    def __init__(self, app: Application[Any], store: PostgresAuditStore, batch: int = BATCH) -> None:
        self.app = app
        self.store = store
        self.batch = batch
        self._lock = threading.Lock()
        self._head: tuple[int, str] | None = None  # (position, link hash) as this chainer last saw it

    def catch_up(self, max_events: int | None = None) -> int:
        """Chain every stored event after the head (or up to ``max_events`` of
        them); return the chain's position."""
        done = 0
        with self._lock:
            while True:
                head = self.store.head("events")
                position = int(head["position"]) if head else 0
                self._head = (position, head["link_hash"]) if head else None
                notifications = self.app.recorder.select_notifications(
                    start=position, limit=self.batch, inclusive_of_start=False)
                if not notifications:
                    return position
                self._head = self.store.extend_event_chain(notifications, self.describe)
                position = self._head[0]
                done += len(notifications)
                if len(notifications) < self.batch or (max_events is not None and done >= max_events):
                    return position

    def chain(self, notifications: Sequence[Notification], after: int) -> int:
        """Chain ``notifications``, the log's next ones after ``after`` (a subscription with no
        topics hands over every notification, in order), without reading the head or the events
        back from the store: one statement, when the head is still where this chainer left it
        (D82). Otherwise (another process chained meanwhile, or the head is not known) catch up
        from the store. Returns the chain's position."""
        with self._lock:
            head = self._head
            if head is not None and head[0] == after:
                self._head = None  # known again only once the statement has answered
                moved = self.store.swap_event_chain(notifications, head[0], head[1], self.describe)
                self._head = moved
                if moved is not None:
                    return moved[0]
        return self.catch_up()

    def describe(self, notification: Notification) -> EventMeta:
        """Index metadata (ids, type, time): read from the stored state with the
        application's transcoder, without decrypting PHI or needing the class."""
        qualname = notification.topic.rpartition(":")[2]
        meta: EventMeta = {"aggregate_type": qualname.rpartition(".")[0] or qualname,
                           "event_type": qualname, "practice_id": None, "actor_id": None,
                           "request_id": None, "occurred_at": None}
        try:
            data = self._decode(notification.state)
        except Exception:  # noqa: BLE001 - an undecodable record is still chained
            log.warning("audit chain: event #%s could not be decoded for the index", notification.id)
            return meta
        found = data.get("actor")
        actor: Mapping[str, object] = found if isinstance(found, dict) else {}
        meta["practice_id"] = _uuid_or_none(data.get("practice_id") or actor.get("practice_id"))
        meta["actor_id"] = str(actor["user_id"]) if actor.get("user_id") else None
        meta["request_id"] = str(actor["request_id"]) if actor.get("request_id") else None
        timestamp = data.get("timestamp")
        meta["occurred_at"] = timestamp if hasattr(timestamp, "tzinfo") else None
        return meta

    def _decode(self, state: bytes) -> dict[str, Any]:
        mapper = self.app.mapper
        if getattr(mapper, "cipher", None) is not None:
            state = mapper.cipher.decrypt(state)  # type: ignore[union-attr]
        if getattr(mapper, "compressor", None) is not None:
            state = mapper.compressor.decompress(state)  # type: ignore[union-attr]
        data = mapper.transcoder.decode(state)
        return data if isinstance(data, dict) else {}


class AuditChainFollower:
    """Started and stopped like a ``LogFollower`` (the container's followers)."""

    def __init__(self, chainer: EventChainer, store: PostgresAuditStore, signer: Any,
                 checkpoint_interval_s: float,
                 on_progress: Callable[[str, int], None] | None = None,
                 subscribe: Callable[[int | None, tuple[str, ...]], Any] | None = None) -> None:
        self.name = "audit-chain"
        # The process's shared log (D67) when given, else the recorder's own subscription.
        self.subscribe = subscribe or (lambda gt, topics: chainer.app.recorder.subscribe(gt=gt, topics=topics))
        self.chainer = chainer
        self.store = store
        self.signer = signer
        self.checkpoint_interval_s = checkpoint_interval_s
        self.on_progress = on_progress or (lambda _name, _position: None)
        self._stopping = threading.Event()
        self._subscription: Any = None
        self._threads = [threading.Thread(target=self._run, name="follow-audit-chain", daemon=True),
                         threading.Thread(target=self._checkpoints, name="audit-checkpoints", daemon=True)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self._subscription is not None:
            self._subscription.stop()
        for thread in self._threads:
            thread.join(timeout)

    def _run(self) -> None:
        keep_running(self._follow, self._stopping,
                     lambda error, _: log.exception("audit chain follower failed; resubscribing"))

    def _follow(self) -> None:
        position = self.chainer.catch_up()
        self.on_progress(self.name, position)
        with self.subscribe(position, ()) as subscription:
            self._subscription = subscription
            if self._stopping.is_set():
                return
            ready = getattr(subscription, "ready", None)  # the shared log's: what is there now (D82)
            for notification in subscription:
                batch = [n for n in (notification, *(ready(BATCH) if ready else ())) if n.id > position]
                if batch:
                    position = self.chainer.chain(batch, position)
                    self.on_progress(self.name, position)
                if self._stopping.is_set():
                    break

    def _checkpoints(self) -> None:
        while not self._stopping.wait(self.checkpoint_interval_s):
            try:
                self.store.add_checkpoint(self.signer, min_interval_s=self.checkpoint_interval_s * 0.9)
            except Exception:  # noqa: BLE001 - try again at the next interval
                log.exception("audit checkpoint failed")
