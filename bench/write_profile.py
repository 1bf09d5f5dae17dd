"""Where a booking's CPU goes: the real app in this process, the load from another.

    python -m bench.write_profile [concurrency] [seconds] [booking|patch]   # needs MEDISYNC_DATABASE_URL

The API (``create_app``, the bench server's settings) serves on a free port in this process's
event loop, its projections and the audit chain running in it as under ``medisync serve``; a child
process sets up the write rows' clinic (32 doctors, 64 patients) and sends ``POST /appointments/add``
closed loop (``bench.http_paths.appointment_request``: each client books its own doctors, no
conflicts) for ``seconds``. Printed: bookings/s, the CPU of this process and of each of its threads
per booking, and the Postgres server's CPU per booking (its processes' times from /proc, when the
server runs on this machine). ``YAPPI=1`` (yappi importable, e.g. ``pip install --target DIR yappi``
and ``PYTHONPATH=DIR``) also profiles every thread on the CPU clock for the measured window and
prints the functions with the most CPU per booking, inclusive and own (yappi slows everything
down several times: its shares say where to look, not its totals).
Not part of ``make bench``: it says where to look, the bench says how much.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any

from bench.read_profile import _thread_cpu, on_fresh_database, serve_app


def _client(base: str, concurrency: int, seconds: float, pipe: Any, kind: str = "booking") -> None:
    """The child: the clinic, a warm-up, then the measured closed loop (bookings, or ``PATCH /patients/{id}``)."""
    from bench.common import closed_loop, setup_clinic
    from bench.http_paths import Slots, appointment_request, patch_request

    clinic = setup_clinic(base, doctors=32, patients=64)
    slots = Slots()

    def make() -> Any:
        return patch_request(clinic, concurrency) if kind == "patch" else appointment_request(clinic, slots, concurrency)
    closed_loop(make(), concurrency, seconds=2.0, warmup=0.5)
    pipe.send("go")
    pipe.recv()
    load = closed_loop(make(), concurrency, seconds=seconds, warmup=0.0)
    pipe.send((load.done, load.errors, load.seconds))


def _postgres_cpu() -> float:
    """CPU seconds of every ``postgres`` process on this machine (0 when none is visible)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if stat.split(" (", 1)[1].startswith("postgres"):
            fields = stat.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _profiler() -> Any:
    """yappi on the CPU clock over every thread, when ``YAPPI=1`` (and yappi is importable)."""
    if not os.environ.get("YAPPI"):
        return None
    import yappi  # type: ignore[import-not-found]

    yappi.set_clock_type("cpu")
    return yappi


async def _serve(concurrency: int, seconds: float, url: str, data_dir: Path, kind: str) -> None:
    runner, port = await serve_app(url, data_dir)
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=_client, args=(f"http://127.0.0.1:{port}", concurrency, seconds, child, kind))
    process.start()
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(None, parent.recv)
        profiler = _profiler()
        if profiler is not None:
            profiler.start(builtins=False, profile_threads=True)
        cpu, threads, postgres = os.times(), _thread_cpu(), _postgres_cpu()
        parent.send("start")
        done, errors, elapsed = await loop.run_in_executor(None, parent.recv)
        spent, after, postgres = os.times(), _thread_cpu(), _postgres_cpu() - postgres
        if profiler is not None:
            profiler.stop()
        process_cpu = (spent.user + spent.system) - (cpu.user + cpu.system)
        by_thread = {name: after[name] - threads.get(name, 0.0) for name in after}
        by_thread["exited threads"] = process_cpu - sum(by_thread.values())
        _report(concurrency, done, errors, elapsed, process_cpu, postgres, by_thread)
        if profiler is not None:
            _hot_functions(profiler, done)
    finally:
        process.join(30)
        await runner.cleanup()


def _report(concurrency: int, done: int, errors: int, elapsed: float, process_cpu: float, postgres: float,
            by_thread: dict[str, float]) -> None:
    per = max(done, 1)
    print(f"c={concurrency}: {done} bookings in {elapsed:.2f} s = {done / elapsed:.0f}/s ({errors} not 2xx); "
          f"API CPU {process_cpu / per * 1e3:.2f} ms/booking, Postgres CPU {postgres / per * 1e3:.2f} ms/booking")
    print("API CPU by thread, ms/booking: " + ", ".join(
        f"{name} {cpu / per * 1e3:.2f}" for name, cpu in sorted(by_thread.items(), key=lambda kv: -kv[1])
        if cpu > 0.00002 * per))


def _hot_functions(yappi: Any, done: int, top: int = 60) -> None:
    """The functions with the most CPU per booking, inclusive and own, over every thread."""
    stats = yappi.get_func_stats()
    for title, key in (("inclusive", "ttot"), ("own", "tsub")):
        print(f"--- yappi, CPU us/booking, {title}")
        stats.sort(key, "desc")
        for stat in list(stats)[:top]:
            where = f"{Path(stat.module).parent.name}/{Path(stat.module).name}:{stat.lineno}"
            print(f"{getattr(stat, key) / done * 1e6:8.0f}  {stat.name}  {where}")


def main() -> None:
    concurrency = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 8.0
    kind = sys.argv[3] if len(sys.argv) > 3 else "booking"
    on_fresh_database("writeprof", lambda url, data_dir: _serve(concurrency, seconds, url, data_dir, kind))


if __name__ == "__main__":
    main()
