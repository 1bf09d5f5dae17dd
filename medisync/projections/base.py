"""A projection as a table of event handlers.

Each concrete projection maps event classes to functions returning
``ViewChange``s. A projection follows the whole log (not only its topics) so
that its position passes every notification id: read-your-writes can then
wait on "these projections have passed id N" for any N (the ones handling a
command's events, or the ones serving a GET with a consistency token, D52).
Events without a handler cost no
write; their position is recorded at most every ``TRACK_IGNORED_EVERY_S``.
``passes_over`` tells the follower, from the topic alone, which events those
are, so they are not decoded for this projection (D74); ``skips`` tells the
process's shared log which of them it may pass over for the follower without
waking it, as long as no position is due to be recorded (D85).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Callable, ClassVar, TypedDict

from eventsourcing.domain import Aggregate, resolve_topic
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from medisync.projections.changes import ReadModelView, ViewChange

Handler = Callable[..., list[ViewChange]]  # takes the event class it is listed under

TRACK_IGNORED_EVERY_S = 0.5


class ReadModelProjection(Projection[ReadModelView]):
    handlers: ClassVar[dict[type, Handler]] = {}
    tables: ClassVar[tuple[str, ...]] = ()

    topics = ()  # follow every event; see the module docstring

    def __init__(self, view: ReadModelView, track_ignored_every_s: float = TRACK_IGNORED_EVERY_S) -> None:
        super().__init__(view)
        # A projector in its own process tracks every event (0 s): the API
        # processes read its position from the table, not from memory.
        self.track_ignored_every_s = track_ignored_every_s
        self._last_tracked = 0.0
        self._handles: dict[str, bool] = {}  # topic -> a handler takes its events

    def process_event(self, domain_event: Aggregate.Event, tracking: Tracking) -> None:
        handler = self.handlers.get(type(domain_event))
        if handler is None:
            self._note_ignored(tracking)
            return
        self.view.apply(handler(domain_event), tracking)
        self._last_tracked = time.monotonic()

    def handles(self, topic: str) -> bool:
        """A handler takes this topic's events; a topic that does not resolve counts as handled, so
        the follower decodes it and parks what fails. Cached: asked for every notification."""
        handled = self._handles.get(topic)
        if handled is None:
            try:
                handled = resolve_topic(topic) in self.handlers  # renamed topics resolve too
            except Exception:  # noqa: BLE001 - decoded by the follower, which parks it
                return True
            self._handles[topic] = handled
        return handled

    def passes_over(self, topic: str, tracking: Tracking) -> bool:
        """True (its position noted as for any ignored event) when no handler takes this topic's events."""
        if self.handles(topic):
            return False
        self._note_ignored(tracking)
        return True

    def skips(self, topic: str) -> bool:
        """True when the shared log may pass this topic's event over for the follower without waking
        it (D85): no handler takes it and no position is due to be recorded (the follower, handed the
        next one, records it: a restart then resumes from there)."""
        return (not self.handles(topic)
                and time.monotonic() - self._last_tracked < self.track_ignored_every_s)

    def _note_ignored(self, tracking: Tracking) -> None:
        if time.monotonic() - self._last_tracked < self.track_ignored_every_s:
            return
        self.view.apply([], tracking)
        self._last_tracked = time.monotonic()


class Stamp(TypedDict):
    version: int
    updated_at: datetime


def stamp(event: Aggregate.Event) -> Stamp:
    """Columns every row carries: the aggregate version and when it changed."""
    return {"version": event.originator_version, "updated_at": _timestamp(event)}


def _timestamp(event: Aggregate.Event) -> datetime:
    return event.timestamp


def oid(event: Aggregate.Event) -> str:
    return str(event.originator_id)
