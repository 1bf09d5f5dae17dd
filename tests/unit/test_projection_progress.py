"""ProjectionProgress.until: a coroutine waits for positions without holding a thread (D52)."""

from __future__ import annotations

import asyncio
import threading

from medisync.adapters.log_follower import ProjectionProgress
from medisync.domain.doctor_schedule import DoctorSchedule
from medisync.domain.patient import Patient
from medisync.interface.http.consistency import handling


def test_a_waiter_is_woken_by_another_thread_only_when_every_named_view_has_passed() -> None:
    progress = ProjectionProgress()

    async def scenario() -> bool:
        waiting = asyncio.ensure_future(progress.until(("a", "b"), 5, timeout=30))
        await asyncio.sleep(0)
        progress.advance("a", 9)
        await asyncio.sleep(0.05)
        assert not waiting.done()  # "b" has not passed 5 yet
        threading.Thread(target=progress.advance, args=("b", 5)).start()
        return await waiting

    assert asyncio.run(scenario()) is True
    assert progress._waiters == []


def test_a_wait_that_times_out_says_so_and_leaves_no_waiter() -> None:
    progress = ProjectionProgress()
    progress.advance("a", 3)
    assert asyncio.run(progress.until(("a",), 4, timeout=0.01)) is False
    assert asyncio.run(progress.until(("a",), 3, timeout=0.01)) is True
    assert progress._waiters == []


def test_a_command_waits_only_for_the_views_that_handle_its_events() -> None:
    assert handling([Patient.Registered]) == ("patients",)
    assert "appointments" not in handling([Patient.Registered])
    assert handling([DoctorSchedule.Booked]) == ()  # no view shows the schedule
