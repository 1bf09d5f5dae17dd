"""The unit tests' in-memory recorder sees a write made between its subscription's first read and the
registration of its listener (tests/support/memory_log.py). The window is forced: the write is made
right after the first read, before the listener is registered."""

from __future__ import annotations

import threading
import uuid
from typing import Any

from eventsourcing.persistence import StoredEvent

from tests.support.memory_log import MemoryRecorder


class WritesInTheWindow(MemoryRecorder):
    """Once its subscription's first read has happened, a write lands before the listener is registered."""

    def __init__(self) -> None:
        super().__init__()
        self.first_read = threading.Event()
        self.written: list[int] = []

    def select_notifications(self, *args: Any, **kwargs: Any) -> Any:
        found = super().select_notifications(*args, **kwargs)
        self.first_read.set()
        return found

    def listen(self, event: threading.Event) -> None:
        if not self.written:
            assert self.first_read.wait(60)
            stored = StoredEvent(originator_id=uuid.uuid4(), originator_version=1, topic="late", state=b"{}")
            self.written = list(self.insert_events([stored]) or [])
        super().listen(event)


def test_a_write_between_the_first_read_and_the_listener_is_seen() -> None:
    recorder = WritesInTheWindow()
    seen: list[int] = []
    with recorder.subscribe(gt=0) as subscription:
        reader = threading.Thread(target=lambda: seen.append(next(subscription).id), daemon=True)
        reader.start()
        reader.join(60)  # a bound for a lost write, which would otherwise hang the suite
        assert recorder.written, "the write in the window never happened: the hook no longer fires"
        assert seen == recorder.written
