"""How an ML job retries a failing step: how many attempts, the backoff between them, how it waits.

One value for both job steps (transcription and drafting), given by the composition root from the
settings; a unit test gives one whose ``sleep`` records the waits instead of taking them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Retries:
    max_attempts: int = 3
    base_s: float = 2.0  # the wait after the first failure; it doubles after each further one
    sleep: Callable[[float], None] = time.sleep

    def delay_s(self, attempt: int) -> float:
        """The wait after failed attempt ``attempt`` (1-based): base, 2 x base, 4 x base, ..."""
        return self.base_s * 2 ** (attempt - 1)

    def after_failure(self, attempt: int) -> None:
        """Wait before the next attempt; after the last one there is none, so no wait."""
        if attempt < self.max_attempts:
            self.sleep(self.delay_s(attempt))
