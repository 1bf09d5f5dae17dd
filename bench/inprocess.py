"""In-process pieces: a real container on a bench database, generated history,
read-your-writes lag, and the LISTEN/NOTIFY floor it is compared with."""

from __future__ import annotations

import bisect
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg

from bench.common import BUDGET, PASSWORD, Row, log, percentile


def container_for(url: str, data_dir: Path, **overrides: Any) -> Any:
    from medisync.interface.bootstrap import bootstrap
    from medisync.interface.settings import Settings

    settings = Settings(data_dir=str(data_dir), database_url=url, ml_enabled=False, kafka_bootstrap=None,
                        argon2_memory_kib=1024, **overrides)
    return bootstrap(settings)


def admin_principal(container: Any) -> Any:
    from medisync.application.principal import Principal
    from medisync.domain.user import User

    tag = uuid.uuid4().hex[:8]
    result = container.identity.register_practice(f"admin-{tag}@bench.test", PASSWORD, "Bench Admin",
                                                  f"Bench {tag}", "bench")
    user = container.app.load(result.id, "user", User)
    return Principal(str(result.id), str(user.practice_id), "admin", "standard", "bench-request-0001")


def generate_patient_history(container: Any, principal: Any, events: int, per_patient: int = 10,
                             batch_events: int = 200) -> int:
    """``events`` events on patients (registered, demographics, history), saved in batches.

    Batches stay small: one save of ~1,000 events hung in psycopg's pipeline sync here.
    """
    from medisync.domain.patient import Patient

    actor = principal.actor()
    pending: list[Any] = []
    made = 0
    index = 0
    while made < events:
        patient = Patient(practice_id=principal.practice_id, registered_by=principal.user_id, actor=actor,
                          phi={"mrn": f"G-{index}", "first_name": "Gen", "last_name": f"Patient{index}",
                               "date_of_birth": "1970-01-01", "sex": "female"})
        for step in range(1, min(per_patient, events - made)):
            if step % 3 == 0:
                patient.add_history_entry(entry_id=str(uuid.uuid4()), kind="condition",
                                          phi={"description": f"condition {step}"}, actor=actor)
            else:
                patient.update_demographics(phi={"phone": f"+1-555-{index:04d}{step:03d}"}, actor=actor)
        made += min(per_patient, events - made)
        index += 1
        pending.append(patient)
        if sum(len(p.pending_events) for p in pending) >= batch_events:
            container.app.save(*pending)
            pending.clear()
    if pending:
        container.app.save(*pending)
    return made


class Timeline:
    """When each in-process projection passed each notification id (from ProjectionProgress)."""

    def __init__(self, container: Any) -> None:
        self.positions: dict[str, list[int]] = {}
        self.times: dict[str, list[float]] = {}
        advance = container.progress.advance

        def recorded(name: str, position: int) -> None:
            advance(name, position)
            now = time.perf_counter()
            positions = self.positions.setdefault(name, [])
            if not positions or position > positions[-1]:
                positions.append(position)
                self.times.setdefault(name, []).append(now)

        container.progress.advance = recorded  # before start_projections, which binds it

    def visible_at(self, notification_id: int) -> float | None:
        """When the last projection passed ``notification_id`` (its read model shows it)."""
        latest = 0.0
        for name, positions in self.positions.items():
            index = bisect.bisect_left(positions, notification_id)
            if index >= len(positions):
                return None
            latest = max(latest, self.times[name][index])
        return latest


def read_your_writes(url: str, data_dir: Path, rate: float = 100.0) -> list[Row]:
    """Commit → read model shows it, at ``rate`` commands/s (PATCH-equivalent demographics updates)."""
    container = container_for(url, data_dir)
    timeline = Timeline(container)
    container.start_projections()
    try:
        principal = admin_principal(container)
        patients = []
        for index in range(20):
            result = container.patients.register(principal, {
                "mrn": f"L-{index}", "first_name": "Lag", "last_name": f"Patient{index}",
                "date_of_birth": "1970-01-01", "sex": "female"})
            patients.append(result.id)
        container.wait_for_projections(result.notification_id)
        p50, p95, p99, achieved = [], [], [], []
        floor50, floor95, floor99 = [], [], []
        for run in range(BUDGET.runs):
            commits = _fixed_rate(container, principal, patients, rate, BUDGET.lag_seconds)
            container.wait_for_projections(commits[-1][0])
            time.sleep(0.05)
            lags = []
            for notification_id, committed in commits:
                visible = timeline.visible_at(notification_id)
                if visible is not None:
                    lags.append(max(visible - committed, 0.0) * 1000)
            p50.append(percentile(lags, 50))
            p95.append(percentile(lags, 95))
            p99.append(percentile(lags, 99))
            achieved.append(len(commits) / BUDGET.lag_seconds)
            floor = notify_floor(url, rate, BUDGET.lag_seconds / 2)
            floor50.append(floor[50])
            floor95.append(floor[95])
            floor99.append(floor[99])
            log(f"read-your-writes run {run + 1}: p50 {p50[-1]:.1f} p95 {p95[-1]:.1f} p99 {p99[-1]:.1f} ms "
                f"({len(lags)} commands); NOTIFY floor p99 {floor99[-1]:.2f} ms")
        note = (f"{rate:.0f} commands/s requested, {min(achieved):.0f}-{max(achieved):.0f}/s achieved; "
                "commit = the command's save() returned; visible = every projection's in-process "
                "position passed the command's notification id (its view transaction committed)")
        return [
            Row("read-your-writes", "commit → read model p50", "ms", p50, "LISTEN/NOTIFY commit→wake p50",
                floor50, "", higher_is_better=False, note=note),
            Row("read-your-writes", "commit → read model p95", "ms", p95, "LISTEN/NOTIFY commit→wake p95",
                floor95, "", higher_is_better=False),
            Row("read-your-writes", "commit → read model p99", "ms", p99, "LISTEN/NOTIFY commit→wake p99",
                floor99, "p99 ≤ 100 ms", target_max=100.0, higher_is_better=False),
        ]
    finally:
        container.close()


def _fixed_rate(container: Any, principal: Any, patients: list[str], rate: float,
                seconds: float) -> list[tuple[int, float]]:
    commits: list[tuple[int, float]] = []
    began = time.perf_counter()
    for index in range(int(rate * seconds)):
        delay = began + index / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        result = container.patients.update_demographics(principal, patients[index % len(patients)],
                                                        {"phone": f"+1-555-{index:07d}"})
        commits.append((result.notification_id, time.perf_counter()))
    return commits


def notify_floor(url: str, rate: float, seconds: float) -> dict[int, float]:
    """The floor of any notification-driven projector: NOTIFY+COMMIT → the listener wakes."""
    channel = f"bench_{uuid.uuid4().hex[:8]}"
    sent: dict[str, float] = {}
    received: dict[str, float] = {}
    ready = threading.Event()
    total = int(rate * seconds)

    def listen() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"LISTEN {channel}")
            ready.set()
            for notify in conn.notifies(timeout=seconds + 5):
                received[notify.payload] = time.perf_counter()
                if len(received) >= total:
                    break

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    ready.wait(10)
    with psycopg.connect(url) as conn:
        began = time.perf_counter()
        for index in range(total):
            delay = began + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            conn.execute(f"NOTIFY {channel}, '{index}'")
            conn.commit()
            sent[str(index)] = time.perf_counter()
    listener.join(seconds + 10)
    lags = [max(received[k] - sent[k], 0.0) * 1000 for k in sent if k in received]
    return {p: percentile(lags, p) for p in (50, 95, 99)}
