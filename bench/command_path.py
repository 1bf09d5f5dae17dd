"""The command path in-process, one client: statements and time per command with
the aggregate cache trusted (D54) and not, alternated block by block in one run;
and authentication from the database against the in-memory cache (D53).

    python -m bench.command_path        # needs MEDISYNC_DATABASE_URL (var/services.env)

Prints, per command kind and mode, the median per-command time and the SQL
statements each command sent (counted at psycopg's cursor). Not part of
``make bench``: a profile to say where the write path's time goes.
"""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import psycopg

from bench.common import drop_database, fresh_database, log, work_dir
from bench.inprocess import admin_principal, container_for

BLOCK = 40
ROUNDS = 5
_statements = [0]


def _count_statements() -> None:
    original = psycopg.Cursor.execute

    def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        _statements[0] += 1
        return original(self, *args, **kwargs)

    psycopg.Cursor.execute = execute  # type: ignore[method-assign]


def _block(command: Callable[[int], Any], start: int) -> tuple[float, float]:
    before, began = _statements[0], time.perf_counter()
    for i in range(start, start + BLOCK):
        command(i)
    return (time.perf_counter() - began) / BLOCK * 1000, (_statements[0] - before) / BLOCK


def main() -> None:
    _count_statements()
    url = fresh_database("cmdpath")
    container = container_for(url, work_dir("cmdpath"))
    try:
        run(container)
    finally:
        container.close()
        drop_database(url)


def run(container: Any) -> None:
    from medisync.domain.user import User

    admin = admin_principal(container)
    doctor = User.register(user_id=str(uuid.uuid4()), practice_id=admin.practice_id, email="d@bench.test",
                           full_name="Doctor", password_hash="h", role="doctor", tier="standard",
                           actor=admin.actor())
    container.app.commit(doctor)
    patient = container.patients.register(admin, {"mrn": "B-1", "first_name": "Ben", "last_name": "Ch",
                                                  "date_of_birth": "1970-01-01", "sex": "male"}).id
    day0 = datetime(2030, 1, 1, tzinfo=timezone.utc)
    commands: dict[str, Callable[[int], Any]] = {
        "schedule": lambda i: container.appointments.schedule(
            admin, patient, str(doctor.id), (day0 + timedelta(minutes=30 * i)).isoformat(), 30,
            "follow_up", "bench"),
        "update_demographics": lambda i: container.patients.update_demographics(
            admin, patient, {"phone": f"+1-555-{i:06d}"}),
    }
    results: dict[tuple[str, bool], list[tuple[float, float]]] = {}
    n = 0
    for _ in range(ROUNDS):
        for trusted in (False, True):
            container.app.repository.trusted = trusted
            for name, command in commands.items():
                results.setdefault((name, trusted), []).append(_block(command, n))
                n += BLOCK
    container.app.repository.trusted = False
    authentication(container, admin)
    for (name, trusted), blocks in sorted(results.items()):
        ms = statistics.median(b[0] for b in blocks)
        statements = statistics.median(b[1] for b in blocks)
        log(f"{name:20} trusted={trusted!s:5}: {ms:6.2f} ms/command (median of {ROUNDS} blocks of "
            f"{BLOCK}), {statements:.1f} statements/command")


def authentication(container: Any, admin: Any) -> None:
    """Worker time of one authentication: the database path (``_active_user``) and a cache hit."""
    from medisync.interface.http.auth_cache import AuthCache
    from medisync.interface.http.middleware import _active_user, _cached_user

    container.start_projections(["users"])  # authentication reads the users view
    while container.reads.get_user(admin.user_id) is None:
        time.sleep(0.05)
    claims = {"sub": admin.user_id, "jti": uuid.uuid4().hex}
    cache = AuthCache()
    cache.reload_revoked([])
    timings: dict[str, list[float]] = {"database": [], "cache hit": []}
    statements: dict[str, float] = {}
    for _ in range(ROUNDS):
        for name, check in (("database", lambda: _active_user(container, None, claims)),
                            ("cache hit", lambda: _cached_user(cache, claims))):
            _active_user(container, cache, claims)  # fills the cache
            before, began = _statements[0], time.perf_counter()
            for _ in range(500):
                assert check() is not None
            timings[name].append((time.perf_counter() - began) / 500 * 1000)
            statements[name] = (_statements[0] - before) / 500
    for name, values in timings.items():
        log(f"authentication {name:9}: {statistics.median(values) * 1000:8.1f} µs (median of {ROUNDS} x 500), "
            f"{statements[name]:.1f} statements")


if __name__ == "__main__":
    main()
