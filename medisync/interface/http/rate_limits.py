"""The seed's rate limits: per user by tier, per IP for anonymous calls.

A moving window: at most ``amount`` requests in any ``period`` ending now. A
``redis://`` (or other ``limits``) storage URI shares the counters between API
processes through the ``limits`` library. In memory (the default) the window is
our own deque of hit times per key (D70): ``limits``' memory storage inserts at
the head of a list on every hit (O(hits in the window)) and starts a timer
thread every few milliseconds to expire entries, which cost a read more than
its query did.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Protocol

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from medisync.application.errors import TooManyAttemptsError
from medisync.application.principal import Principal

SWEEP_EVERY_S = 60.0


class Window(Protocol):
    def hit(self, item: RateLimitItem, scope: str, key: str) -> tuple[bool, float, int]:
        """Count a hit if allowed: (allowed, reset time as epoch seconds, remaining)."""


class SharedWindow:
    """``limits``' moving window on a shared storage (Redis)."""

    def __init__(self, storage_uri: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def hit(self, item: RateLimitItem, scope: str, key: str) -> tuple[bool, float, int]:
        allowed = self._limiter.hit(item, scope, key)
        stats = self._limiter.get_window_stats(item, scope, key)
        return allowed, stats.reset_time, stats.remaining


class MemoryWindow:
    """The same moving window in this process: the hit times of each key, oldest first."""

    def __init__(self) -> None:
        self._hits: dict[tuple[str, str, int, int], deque[float]] = {}
        self._lock = threading.Lock()
        self._swept = time.time()

    def hit(self, item: RateLimitItem, scope: str, key: str) -> tuple[bool, float, int]:
        amount, period = item.amount, item.get_expiry()
        now = time.time()
        with self._lock:
            hits = self._hits.setdefault((scope, key, amount, period), deque())
            while hits and hits[0] < now - period:  # as `limits`: a hit exactly a period ago still counts
                hits.popleft()
            allowed = len(hits) < amount
            if allowed:
                hits.append(now)
            reset, remaining = (hits[0] if hits else now) + period, amount - len(hits)
            if now - self._swept > SWEEP_EVERY_S:
                self._sweep(now)
        return allowed, reset, remaining

    def _sweep(self, now: float) -> None:
        """Forget keys whose last hit has left their window (an idle user, a passing IP)."""
        self._swept = now
        for window_key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - k[3]]:
            del self._hits[window_key]


class RateLimiter:
    def __init__(self, storage_uri: str, standard: str, premium: str, anonymous: str,
                 uploads_standard: str, uploads_premium: str) -> None:
        self._window: Window = (MemoryWindow() if storage_uri.startswith("memory://")
                                else SharedWindow(storage_uri))
        self._requests = {"standard": parse(standard), "premium": parse(premium),
                          "anonymous": parse(anonymous)}
        self._uploads = {"standard": parse(uploads_standard), "premium": parse(uploads_premium)}

    def hit(self, principal: Principal | None, remote: str, upload: bool) -> dict[str, str]:
        """Count one request; raise when over the limit. Returns the headers."""
        tier = principal.tier if principal else "anonymous"
        key = f"user:{principal.user_id}" if principal else f"ip:{remote}"
        headers = self._hit(self._requests.get(tier, self._requests["standard"]), key, "requests")
        if upload and principal is not None:
            upload_limit = self._uploads.get(tier, self._uploads["standard"])
            headers = self._hit(upload_limit, key, "uploads")
        return headers

    def _hit(self, item: RateLimitItem, key: str, scope: str) -> dict[str, str]:
        allowed, reset_time, remaining = self._window.hit(item, scope, key)
        headers = {"X-RateLimit-Limit": str(item.amount),
                   "X-RateLimit-Remaining": str(max(remaining, 0)),
                   "X-RateLimit-Reset": str(math.ceil(reset_time))}
        if not allowed:
            retry_after = max(1, math.ceil(reset_time - time.time()))  # never past the window
            error = TooManyAttemptsError(f"rate limit exceeded for {scope}", retry_after=retry_after)
            error.headers = headers  # type: ignore[attr-defined]
            raise error
        return headers
