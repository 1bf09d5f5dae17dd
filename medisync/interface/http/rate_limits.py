"""The seed's rate limits: per user by tier, per IP for anonymous calls.

A moving window (the ``limits`` library). Storage is in memory by default;
a ``redis://`` URI shares the counters between API processes.
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from medisync.application.errors import TooManyAttemptsError
from medisync.application.principal import Principal


class RateLimiter:
    def __init__(self, storage_uri: str, standard: str, premium: str, anonymous: str,
                 uploads_standard: str, uploads_premium: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
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

    def _hit(self, item: object, key: str, scope: str) -> dict[str, str]:
        allowed = self._limiter.hit(item, scope, key)  # type: ignore[arg-type]
        stats = self._limiter.get_window_stats(item, scope, key)  # type: ignore[arg-type]
        reset = math.ceil(stats.reset_time)
        headers = {"X-RateLimit-Limit": str(item.amount),  # type: ignore[attr-defined]
                   "X-RateLimit-Remaining": str(max(stats.remaining, 0)),
                   "X-RateLimit-Reset": str(reset)}
        if not allowed:
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))  # never past the window
            error = TooManyAttemptsError(f"rate limit exceeded for {scope}", retry_after=retry_after)
            error.headers = headers  # type: ignore[attr-defined]
            raise error
        return headers
