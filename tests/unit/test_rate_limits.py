"""D70: the in-memory moving window answers what the ``limits`` library's moving window answers."""

from __future__ import annotations

import time

import pytest
from limits import parse

from medisync.application.errors import TooManyAttemptsError
from medisync.application.principal import Principal
from medisync.interface.http import rate_limits
from medisync.interface.http.rate_limits import MemoryWindow, RateLimiter, SharedWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.25

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(time, "time", fake)  # both ours and the library's
    return fake


def test_the_same_answers_as_the_library_hit_by_hit(clock: Clock) -> None:
    ours, library = MemoryWindow(), SharedWindow("memory://")
    item = parse("3/minute")
    # Each step: seconds later, then one hit by each key.
    steps = [0, 1.1, 2.3, 3.7, 4.2, 50.3, 58.9, 61.5, 62.2, 62.1, 63.3, 121.7, 200.4]  # no hit exactly a period apart
    for later in steps:
        clock.now += later
        for key in ("user:a", "user:b") if int(later) % 2 else ("user:a",):
            assert ours.hit(item, "requests", key) == library.hit(item, "requests", key), (later, key)


def test_the_limiter_refuses_past_the_limit_with_its_headers(clock: Clock) -> None:
    limiter = RateLimiter("memory://", "2/minute", "5/minute", "1/minute", "1/minute", "1/minute")
    doctor = Principal("u1", "p1", "doctor", "standard", "r")
    first = limiter.hit(doctor, "10.0.0.1", False)
    second = limiter.hit(doctor, "10.0.0.1", False)
    assert [first["X-RateLimit-Remaining"], second["X-RateLimit-Remaining"]] == ["1", "0"]
    assert first["X-RateLimit-Limit"] == "2" and int(first["X-RateLimit-Reset"]) == int(clock.now + 60 + 0.99)
    with pytest.raises(TooManyAttemptsError) as refused:
        limiter.hit(doctor, "10.0.0.1", False)
    assert refused.value.retry_after == 60 and refused.value.headers["X-RateLimit-Remaining"] == "0"
    clock.now += 60.5
    assert limiter.hit(doctor, "10.0.0.1", False)["X-RateLimit-Remaining"] == "1"
    assert limiter.hit(None, "10.0.0.1", False)["X-RateLimit-Limit"] == "1"  # anonymous: per IP


def test_idle_keys_are_forgotten(clock: Clock) -> None:
    window = MemoryWindow()
    for user in range(100):
        window.hit(parse("5/second"), "requests", f"user:{user}")
    clock.now += rate_limits.SWEEP_EVERY_S + 1
    window.hit(parse("5/second"), "requests", "user:late")
    assert len(window._hits) == 1
