"""A view that cannot apply an event (D87): it skips nothing, is reported stalled with the event's
position and error class (never the row's PHI), and recovers by itself once the cause is fixed.

Real Postgres, the real projection, view, shared log and health report: the cause is a constraint on
the view's table that the event's row breaks, as a migration gone wrong would. The ``medisync worker``
process reports its erasure evictor's stall the same way (built by ``bootstrap(WORKER)`` on the same
database, the models faked)."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
import uuid
from typing import Any, Callable

import psycopg
import pytest

from medisync.interface.bootstrap import WORKER, Container, bootstrap
from medisync.interface.processes import follow_erasures
from tests.support.container import populate, register_patient
from tests.unit.application.fakes import ScriptedGenerator, ScriptedTranscriber

BROKEN = "ALTER TABLE read.patients ADD CONSTRAINT no_stallby CHECK (last_name <> 'Stallbyquist')"


def _until(condition: Callable[[], Any], within_s: float = 120.0) -> Any:
    """The condition's value once it holds; fails after ``within_s`` (a bound, not a timing)."""
    deadline = time.monotonic() + within_s
    while not (value := condition()):
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.05)
    return value


def test_a_view_that_cannot_apply_an_event_stalls_visibly_skips_nothing_and_recovers(container: Container) -> None:
    principal, _ = populate(container)
    with psycopg.connect(container.database_url, autocommit=True) as conn:
        conn.execute(BROKEN)
    stalled_id, failing = register_patient(container, principal, "Stallbyquist")
    behind_id, _ = register_patient(container, principal, "Behindwell")
    head = container.app.recorder.max_notification_id() or 0

    container.start_projections(names=["patients"])
    stall = _until(lambda: [s for s in container.stalls.listing() if s["follower"] == "patients"
                            and s["attempts"] >= 2])[0]
    assert (stall["notification_id"], stall["error"]) == (failing, "IntegrityError/CheckViolation")
    report = container.health()
    assert report["status"] == "degraded"
    assert [(s["follower"], s["notification_id"], s["error"]) for s in report["stalled"]] == [
        ("patients", failing, "IntegrityError/CheckViolation")]
    assert "Stallbyquist" not in json.dumps(report, default=str)  # the error's DETAIL quotes the row
    assert container.progress.positions()["patients"] < failing  # nothing skipped: the event behind
    assert container.reads.get_patient(behind_id) is None      # it waits too

    with psycopg.connect(container.database_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE read.patients DROP CONSTRAINT no_stallby")  # the cause fixed
    assert container.progress.wait(("patients",), head, 120.0)
    assert container.reads.get_patient(stalled_id) is not None
    assert container.reads.get_patient(behind_id) is not None
    assert container.stalls.listing() == []
    assert container.health()["status"] == "ok"


def test_a_stall_another_process_reports_shows_here_until_it_recovers(container: Container) -> None:
    stalls = container.stalls
    other = type(stalls)(stalls.datastore, process=f"projector-{uuid.uuid4().hex[:6]}")
    other.stalled("notes", 42, "KeyError", 3, 0.8)
    other.stalled("notes", 42, "KeyError", 4, 1.6)
    rows = [s for s in container.health()["stalled"] if s["process"] == other.process]
    assert [(s["follower"], s["notification_id"], s["error"], s["attempts"]) for s in rows] == [
        ("notes", 42, "KeyError", 4)]
    other.recovered("notes")
    assert not [s for s in container.health()["stalled"] if s["process"] == other.process]


def test_the_ml_worker_process_reports_its_erasure_evictors_stall(container: Container,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: ``WORKER`` built no stall store, so the worker's stall was only logged (D87)."""
    principal, patient_id = populate(container)
    worker = bootstrap(dataclasses.replace(container.settings, ml_enabled=True), WORKER,
                       transcriber=ScriptedTranscriber(), generators={"extractive": ScriptedGenerator()})
    try:
        assert worker.stalls is not None
        failing = threading.Event()
        failing.set()
        forget = worker.app.forget_cached

        def forget_or_fail(erased_id: str) -> int:  # the injected fault: the evictor cannot apply the erasure
            if failing.is_set():
                raise LookupError("injected")
            return forget(erased_id)

        monkeypatch.setattr(worker.app, "forget_cached", forget_or_fail)
        follow_erasures(worker)
        erased = container.erasure.erase(principal, patient_id, "GDPR Art.17 ticket 87").notification_id

        def evictor() -> list[dict[str, Any]]:
            return [s for s in container.health()["stalled"] if s["follower"] == "erasure-evictor"]
        stall = _until(evictor)[0]  # read by the API's health from the worker's row
        assert (stall["error"], stall["process"]) == ("LookupError", worker.stalls.process)
        assert stall["notification_id"] is not None and stall["notification_id"] <= erased
        failing.clear()
        _until(lambda: not evictor())  # the erasure applied: the row is gone
    finally:
        worker.close()
