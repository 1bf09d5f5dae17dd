"""Keep a long-running loop alive across failures (database or broker restarts)."""

from __future__ import annotations

import threading
from typing import Callable


def keep_running(step: Callable[[], None], stopping: threading.Event,
                 on_error: Callable[[Exception, float], float | None], first_s: float = 0.2,
                 max_s: float = 5.0) -> None:
    """Run ``step`` until ``stopping`` is set. After a failure, call ``on_error(error, wait)``
    (inside the ``except``, so it may log the traceback), wait, and double the wait up to ``max_s``.
    An ``on_error`` that returns a number chooses the wait itself (a log follower's, D87)."""
    backoff = first_s
    while not stopping.is_set():
        try:
            step()
            backoff = first_s
        except Exception as error:  # noqa: BLE001 - reported by on_error; the loop resumes
            chosen = on_error(error, backoff)
            stopping.wait(backoff if chosen is None else chosen)
            backoff = min(backoff * 2, max_s)
