"""Bounded waits for what another thread or process does; the bound is a safety net, not a check of speed."""

from __future__ import annotations

import time
from typing import Any, Callable

import psycopg
import requests


def until(condition: Callable[[], Any], what: str, timeout: float = 120.0, every: float = 0.25) -> Any:
    """Poll (bounded) until ``condition`` is truthy; the bound is a safety net, not an assertion on speed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except (requests.RequestException, psycopg.Error):
            value = None
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what}")


def wait_until(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
