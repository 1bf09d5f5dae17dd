"""eventsourcing's in-memory recorder, with a subscription that misses no write.

``POPOSubscription`` starts its pull thread (the first read of the store) and only
then registers its listener, so a write committed in between notifies nobody and
the subscription does not see it until the next write (Postgres's ``LISTEN`` comes
before its first read). Here the subscription, once registered, pulls once more,
so whatever was written in that window is read. Unit tests only: production follows
Postgres.
"""

from __future__ import annotations

from typing import Any, Sequence

from eventsourcing.popo import POPOApplicationRecorder, POPOSubscription


class ListeningSubscription(POPOSubscription):
    def __init__(self, recorder: POPOApplicationRecorder, gt: int | None = None, topics: Sequence[str] = ()) -> None:
        super().__init__(recorder=recorder, gt=gt, topics=topics)  # pulls, then listens
        self._has_been_notified.set()  # so pull again: a write between the two is read now


class MemoryRecorder(POPOApplicationRecorder):
    def subscribe(self, gt: int | None = None, topics: Sequence[str] = ()) -> Any:
        return ListeningSubscription(recorder=self, gt=gt, topics=topics)
