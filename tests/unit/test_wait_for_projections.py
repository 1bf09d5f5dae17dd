"""Read-your-writes from a thread, and readiness, ask each projection where it runs (D56).

A process whose only followers are not projections (the erasure evictor, the
ML worker) must not wait on in-memory progress that nothing advances: it asks
the tracking tables of the projections that run elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from medisync.adapters.log_follower import ProjectionProgress
from medisync.interface.operations import ContainerOperations


@dataclass
class TrackingTable:
    position: int = 0

    def has_tracking_id(self, application_name: str, notification_id: int) -> bool:
        return self.position >= notification_id

    def max_tracking_id(self, application_name: str) -> int:
        return self.position


@dataclass
class Process(ContainerOperations):
    views: dict[str, TrackingTable]
    followers: list[SimpleNamespace] = field(default_factory=list)
    progress: ProjectionProgress = field(default_factory=ProjectionProgress)
    # a bound long enough that a wrong wait shows as False, short enough for a quick test
    settings: SimpleNamespace = field(default_factory=lambda: SimpleNamespace(read_your_writes_timeout_s=0.2))
    app: SimpleNamespace = field(default_factory=lambda: SimpleNamespace(name="medisync"))


def test_a_process_following_no_projection_asks_the_tracking_tables() -> None:
    process = Process({"users": TrackingTable(7), "patients": TrackingTable(7)},
                      followers=[SimpleNamespace(name="erasure-evictor")])
    assert process.wait_for_projections(7) is True
    assert process.wait_for_projections(8) is False
    assert process._positions() == {"users": 7, "patients": 7}


def test_projections_followed_here_are_asked_in_memory_and_the_others_their_tables() -> None:
    process = Process({"users": TrackingTable(0), "patients": TrackingTable(9)},
                      followers=[SimpleNamespace(name="users"), SimpleNamespace(name="erasure-evictor")])
    process.progress.advance("users", 9)  # its table lags the follower's memory: memory is asked
    assert process.followed_here(("users", "patients")) == (("users",), ("patients",))
    assert process.wait_for_projections(9) is True
    assert process._positions() == {"users": 9, "patients": 9}
    assert process.wait_for_projections(10) is False


def test_a_wait_that_passed_confirms_the_position_for_a_view_followed_elsewhere() -> None:
    """What a row cache of this process must reflect before it may answer (D78)."""
    import asyncio

    from medisync.interface.http.consistency import passed

    process = Process({"appointments": TrackingTable(5), "users": TrackingTable(9)})
    assert process.progress.at_least("appointments") == 0
    assert asyncio.run(passed(process, ("appointments",), 6)) is False  # not passed: nothing confirmed
    assert process.progress.at_least("appointments") == 0
    assert asyncio.run(passed(process, ("appointments",), 5)) is True
    assert process.progress.at_least("appointments") == 5
    assert process.progress.at_least("users") == 0  # only the views the wait was for
