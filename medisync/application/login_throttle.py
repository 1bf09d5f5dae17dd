"""Login brute-force protection: failed logins per account and per client IP.

After ``max_failures`` failures inside a moving window (default 10 in 15
minutes) further logins for that account, or from that IP, are refused with
429 and a Retry-After until the window has moved past enough failures. The
check runs *before* the password is verified, so a locked account cannot be
probed even with the right password. A successful login clears the
account's count (not the IP's: an attacker must not reset their IP budget by
logging into an account of their own). Every attempt is recorded.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Callable, Protocol

from medisync.application.errors import TooManyAttemptsError

SUCCESS, FAILURE, THROTTLED = "success", "failure", "throttled"


class LoginAttempts(Protocol):
    """Where attempts are recorded (Postgres: ``auth.login_attempts``)."""

    def record(self, account_key: str, ip: str, outcome: str, at: float) -> None: ...

    def nth_newest_account_failure(self, account_key: str, since: float, n: int) -> float | None:
        """The n-th newest failure for the account after ``since`` and after its last success."""

    def nth_newest_ip_failure(self, ip: str, since: float, n: int) -> float | None:
        """The n-th newest failure from the IP after ``since``."""


def account_key(email: str) -> str:
    """A one-way key for the account, so the attempts table holds no email addresses."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class LoginThrottle:
    def __init__(self, attempts: LoginAttempts, max_failures: int = 10, window_s: int = 900,
                 clock: Callable[[], float] = time.time) -> None:
        self.attempts = attempts
        self.max_failures = max_failures
        self.window_s = window_s
        self.clock = clock

    def check(self, email: str, ip: str) -> None:
        """Refuse (429) while the account or the IP is over its failure budget."""
        now = self.clock()
        since = now - self.window_s
        key = account_key(email)
        oldest = [self.attempts.nth_newest_account_failure(key, since, self.max_failures),
                  self.attempts.nth_newest_ip_failure(ip, since, self.max_failures)]
        blocking = [at for at in oldest if at is not None]
        if blocking:
            self.attempts.record(key, ip, THROTTLED, now)
            retry_after = max(1, math.ceil(max(blocking) + self.window_s - now))
            raise TooManyAttemptsError("too many failed logins; retry later", retry_after=retry_after)

    def record(self, email: str, ip: str, succeeded: bool) -> None:
        self.attempts.record(account_key(email), ip, SUCCESS if succeeded else FAILURE, self.clock())
