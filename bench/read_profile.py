"""Where a hot GET's time goes: the real app in this process, the load from another.

    python -m bench.read_profile [one|page] [requests] [concurrency]   # needs MEDISYNC_DATABASE_URL

The API (``create_app``, the same settings as the bench's server) serves on a free port in this
process's event loop; a child process sets up a clinic, books 20 appointments for one doctor and
then sends ``requests`` GETs (closed loop, ``concurrency`` clients) with that doctor's token.
The event loop's thread is profiled with cProfile for exactly that window; the process's CPU
(every thread: the access-log writer, the projections) and the loop thread's CPU are printed
beside it, per request. ``PROFILE_CPU=1`` times the profile in the loop thread's CPU time instead
of wall time (on a shared machine, wall time charges whatever ran when the OS took the CPU away to
the function it interrupted).
``PROFILE_OFF=1`` measures the same window without the profiler (its rate and CPU per request).
Not part of ``make bench``: it says where to look, the bench says how much.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import multiprocessing
import os
import pstats
import re
import shutil
import sys
import threading
import time
from typing import Any, Callable, Coroutine

from bench.common import SERVER_ENV, drop_database, fresh_database, free_port, log, work_dir


def _client(base: str, what: str, total: int, concurrency: int, pipe: Any) -> None:
    """The child: a clinic, 20 visits of one doctor, then the measured GETs."""
    import aiohttp
    import requests

    from bench.common import setup_clinic

    clinic = setup_clinic(base, doctors=1, patients=4)
    doctor = clinic.doctors[0]
    admin = clinic.auth(clinic.admin_token)
    ids = []
    for index in range(20):
        body = {"patient_id": clinic.patients[index % 4], "doctor_id": doctor["id"], "duration_minutes": 30,
                "start": f"2030-01-{7 + index // 10:02d}T{8 + index % 10:02d}:00:00+00:00",
                "type": "follow_up", "reason": "bench"}
        answer = requests.post(f"{clinic.api}/appointments/add", json=body, headers=admin, timeout=30)
        assert answer.status_code in (201, 202), answer.text
        ids.append(answer.json()["data"]["id"])
    headers = clinic.auth(doctor["token"])
    paths = ([f"/api/v1/appointments/get/{i}" for i in ids] if what == "one"
             else ["/api/v1/appointments/doctors?per_page=20"])

    async def load(count: int) -> tuple[int, float]:
        done, sent = 0, iter(range(count))
        async with aiohttp.ClientSession() as session:
            async def worker() -> None:
                nonlocal done
                for index in sent:
                    async with session.get(base + paths[index % len(paths)], headers=headers) as response:
                        await response.read()
                        done += response.status == 200
            began = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return done, time.perf_counter() - began

    asyncio.run(load(min(total, 500)))  # warm: caches, pools, prepared statements
    pipe.send("go")
    pipe.recv()
    pipe.send(asyncio.run(load(total)))


async def serve_app(url: str, data_dir: Any) -> tuple[Any, int]:
    """The API (``create_app``, the bench server's settings) on a free port of this event loop:
    its runner (to ``cleanup``) and the port. Shared with ``bench.write_profile``."""
    from aiohttp import web

    from medisync.interface.http.observability import configure_logging
    from medisync.interface.server import create_app
    from medisync.interface.settings import Settings

    os.environ.update({**SERVER_ENV, "MEDISYNC_DATA_DIR": str(data_dir), "MEDISYNC_DATABASE_URL": url})
    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)  # one JSON line per request, as `serve`
    runner = web.AppRunner(create_app(settings), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, port


def on_fresh_database(label: str, serve: Callable[[str, Any], Coroutine[Any, Any, None]]) -> None:
    """Run ``serve(url, data_dir)`` on a database and data folder of its own, both removed after."""
    url, data_dir = fresh_database(label), work_dir(label)
    try:
        asyncio.run(serve(url, data_dir))
    finally:
        drop_database(url)
        shutil.rmtree(data_dir, ignore_errors=True)
        log("done")


async def _serve(what: str, total: int, concurrency: int, url: str, data_dir: Any) -> None:
    runner, port = await serve_app(url, data_dir)
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=_client, args=(f"http://127.0.0.1:{port}", what, total, concurrency, child))
    process.start()
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(None, parent.recv)
        profile = cProfile.Profile(time.thread_time) if os.environ.get("PROFILE_CPU") else cProfile.Profile()
        cpu, loop_cpu, threads = os.times(), time.thread_time(), _thread_cpu()
        if not os.environ.get("PROFILE_OFF"):
            profile.enable()
        parent.send("start")
        done, seconds = await loop.run_in_executor(None, parent.recv)
        profile.disable()
        spent, loop_spent = os.times(), time.thread_time() - loop_cpu
        process_cpu = (spent.user + spent.system) - (cpu.user + cpu.system)
        after = _thread_cpu()
        by_thread = {name: after[name] - threads.get(name, 0.0) for name in after}
        by_thread["exited threads"] = process_cpu - sum(by_thread.values())
        _report(profile, what, done, seconds, process_cpu, loop_spent, by_thread)
    finally:
        process.join(30)
        await runner.cleanup()


def _thread_cpu() -> dict[str, float]:
    """CPU seconds of each live thread of this process, by thread name (Linux /proc)."""
    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    ticks = os.sysconf("SC_CLK_TCK")
    spent: dict[str, float] = {}
    for task in os.listdir("/proc/self/task"):
        try:
            fields = open(f"/proc/self/task/{task}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = re.sub(r"[_-]?\d+(\s.*)?$", "", names.get(int(task), "native"))
        spent[name] = spent.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return spent


def _report(profile: cProfile.Profile, what: str, done: int, seconds: float, process_cpu: float,
            loop_cpu: float, by_thread: dict[str, float]) -> None:
    profiled = not os.environ.get("PROFILE_OFF")
    print(f"{what}: {done} GETs 200 in {seconds:.2f} s = {done / seconds:.0f}/s"
          f"{' (profiled)' if profiled else ''}; process CPU {process_cpu / done * 1e6:.0f} us/req, "
          f"loop thread {loop_cpu / done * 1e6:.0f} us/req")
    print("CPU by thread, us/req: " + ", ".join(f"{name} {cpu / done * 1e6:.0f}" for name, cpu in
                                                 sorted(by_thread.items(), key=lambda kv: -kv[1]) if cpu > 0))
    if profiled:
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(70)
        stats.sort_stats("tottime").print_stats(40)
        print(out.getvalue())


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "one"
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    on_fresh_database("readprof", lambda url, data_dir: _serve(what, total, concurrency, url, data_dir))


if __name__ == "__main__":
    main()
