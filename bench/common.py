"""Shared pieces of the benchmarks: configuration, rows, servers, load generators.

Every figure is a ratio against a baseline measured in the same run on the
same machine; each is measured ``runs`` times (system and baseline
interleaved) and reported as the median with min and max.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import urlparse

import aiohttp
import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "correct-horse-9"
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0", "false", "no")


@dataclass(frozen=True)
class Budget:
    runs: int          # repetitions of each measurement
    seconds: float     # length of one throughput measurement
    warmup: float      # unmeasured load before each measurement
    lag_seconds: float  # length of one lag run at a fixed rate
    stream_events: int
    rebuild_events: int


BUDGET = (Budget(runs=2, seconds=1.5, warmup=0.3, lag_seconds=3, stream_events=3000, rebuild_events=12000)
          if QUICK else
          Budget(runs=3, seconds=3.0, warmup=0.5, lag_seconds=6, stream_events=10000, rebuild_events=50000))


# --- rows -----------------------------------------------------------------------------------

@dataclass
class Row:
    section: str
    name: str
    unit: str
    runs: list[float]
    baseline_name: str = ""
    baseline_runs: list[float] = field(default_factory=list)
    target: str = ""
    target_ratio: float | None = None   # met when ratio >= this
    target_max: float | None = None     # met when figure <= this
    target_min: float | None = None     # met when figure >= this
    higher_is_better: bool = True
    note: str = ""

    @property
    def figure(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def baseline(self) -> float | None:
        return statistics.median(self.baseline_runs) if self.baseline_runs else None

    @property
    def ratio(self) -> float | None:
        if self.figure is None or not self.baseline:
            return None
        return self.figure / self.baseline

    @property
    def met(self) -> bool | None:
        if self.target_ratio is not None and self.ratio is not None:
            return self.ratio >= self.target_ratio
        if self.target_max is not None and self.figure is not None:
            return self.figure <= self.target_max
        if self.target_min is not None and self.figure is not None:
            return self.figure >= self.target_min
        return None

    def as_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.update(figure=self.figure, baseline=self.baseline, ratio=self.ratio, met=self.met,
                   min=min(self.runs) if self.runs else None, max=max(self.runs) if self.runs else None,
                   n=len(self.runs))
        return doc


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- databases and processes ------------------------------------------------------------------

def server_url() -> str:
    url = os.environ.get("MEDISYNC_DATABASE_URL")
    if not url:
        raise SystemExit("MEDISYNC_DATABASE_URL is not set: run `make bench`, or "
                         "deploy/local/services-up.sh && set -a && . var/services.env && set +a")
    return url


def fresh_database(label: str) -> str:
    """A new, empty database on the configured server (the bench never touches others' data)."""
    parsed = urlparse(server_url())
    name = f"medisync_bench_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()


def drop_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    try:
        with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error as error:
        log(f"could not drop {name}: {type(error).__name__}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def work_dir(label: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"medisync-bench-{label}-"))


# Generous limits: the rate limiter still runs on every request, it just never refuses.
SERVER_ENV = {
    "MEDISYNC_ARGON2_MEMORY_KIB": "1024",
    "MEDISYNC_ML_ENABLED": "false",
    "MEDISYNC_KAFKA_BOOTSTRAP": "",
    "MEDISYNC_ACCESS_TTL_S": "7200",
    "MEDISYNC_RATE_LIMIT_STANDARD": "1000000000/hour",
    "MEDISYNC_RATE_LIMIT_PREMIUM": "1000000000/hour",
    "MEDISYNC_RATE_LIMIT_ANONYMOUS": "1000000000/hour",
    "MEDISYNC_LOG_LEVEL": "INFO",
}


class Process:
    """A child process (``python -m ...``) with its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.args = args
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.popen: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    def start(self) -> "Process":
        self._log = open(self.log_path, "ab")
        self.popen = subprocess.Popen([sys.executable, *self.args], env=self.env, cwd=ROOT,
                                      stdout=self._log, stderr=subprocess.STDOUT)
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:]


def start_api(url: str, data_dir: Path, port: int | None = None, extra: dict[str, str] | None = None,
              wait: bool = True) -> tuple[Process, str]:
    port = port or free_port()
    env = {**SERVER_ENV, "MEDISYNC_DATA_DIR": str(data_dir), "MEDISYNC_DATABASE_URL": url, **(extra or {})}
    process = Process(["-m", "medisync.interface.cli", "serve", "--port", str(port)], env,
                      data_dir / f"api-{port}-{uuid.uuid4().hex[:4]}.log").start()
    base = f"http://127.0.0.1:{port}"
    if wait:
        wait_http(process, f"{base}/api/v1/health")
    return process, base


def wait_http(process: Process, url: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise RuntimeError(f"process exited: {process.tail()}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"not ready: {process.tail()}")


def listeners(port: int) -> int:
    """Sockets listening on 127.0.0.1:port (one per SO_REUSEPORT process)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        local, state = parts[1], parts[3]
        if state == "0A" and int(local.split(":")[1], 16) == port:
            count += 1
    return count


# --- API setup --------------------------------------------------------------------------------

@dataclass
class Clinic:
    api: str
    admin_token: str
    admin_id: str
    doctors: list[dict[str, str]]   # {"id", "token"}
    patients: list[str]

    def auth(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


def _json(response: requests.Response, status: int) -> dict[str, Any]:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.method} {response.url}: {response.status_code} {response.text[:300]}")
    return response.json()["data"]


def setup_clinic(base: str, doctors: int, patients: int) -> Clinic:
    api = f"{base}/api/v1"
    http = requests.Session()
    tag = uuid.uuid4().hex[:8]
    admin = _json(http.post(f"{api}/auth/register", json={
        "email": f"admin-{tag}@bench.test", "password": PASSWORD, "full_name": "Bench Admin",
        "practice_name": f"Bench {tag}"}, timeout=30), 201)
    admin_token = admin["access_token"]
    headers = {"Authorization": f"Bearer {admin_token}"}
    made = []
    for index in range(doctors):
        email = f"doctor{index}-{tag}@bench.test"
        invitation = _json(http.post(f"{api}/users/invitations", headers=headers, timeout=30,
                                     json={"email": email, "role": "doctor", "tier": "standard"}), 201)
        doctor = _json(http.post(f"{api}/auth/register", timeout=30, json={
            "email": email, "password": PASSWORD, "full_name": f"Doctor {index}",
            "invitation_token": invitation["invitation_token"]}), 201)
        made.append({"id": doctor["user"]["id"], "token": doctor["access_token"]})
    from concurrent.futures import ThreadPoolExecutor

    def register(index: int) -> str:
        with requests.Session() as own:
            return _json(own.post(f"{api}/patients", headers=headers, timeout=30, json={
                "mrn": f"B-{tag}-{index}", "first_name": "Bench", "last_name": f"Patient{index}",
                "date_of_birth": "1970-01-01", "sex": "female"}), 201)["id"]

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(register, range(patients)))
    return Clinic(api, admin_token, admin["user"]["id"], made, ids)


# --- load generators --------------------------------------------------------------------------

@dataclass
class Load:
    done: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


Request = Callable[[aiohttp.ClientSession, int, int], Awaitable[int]]


async def _closed_loop(make: Request, concurrency: int, seconds: float, warmup: float,
                       limit_per_host: int | None = None) -> Load:
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=60)
    counters = {"done": 0, "errors": 0}
    latencies: list[float] = []
    measuring = asyncio.Event()
    stop = asyncio.Event()

    async def worker(session: aiohttp.ClientSession, index: int) -> None:
        sequence = 0
        while not stop.is_set():
            start = time.perf_counter()
            try:
                status = await make(session, index, sequence)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                status = 599
            sequence += 1
            if measuring.is_set() and not stop.is_set():
                if 200 <= status < 300:
                    counters["done"] += 1
                    latencies.append(time.perf_counter() - start)
                else:
                    counters["errors"] += 1

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        tasks = [asyncio.create_task(worker(session, index)) for index in range(concurrency)]
        await asyncio.sleep(warmup)
        measuring.set()
        began = time.perf_counter()
        await asyncio.sleep(seconds)
        stop.set()
        elapsed = time.perf_counter() - began
        await asyncio.gather(*tasks, return_exceptions=True)
    return Load(counters["done"], counters["errors"], elapsed, latencies)


def closed_loop(make: Request, concurrency: int, seconds: float | None = None,
                warmup: float | None = None) -> Load:
    """``concurrency`` clients, each sending its next request when the last one answered."""
    return asyncio.run(_closed_loop(make, concurrency, BUDGET.seconds if seconds is None else seconds,
                                    BUDGET.warmup if warmup is None else warmup))


def get_request(url_of: Callable[[int, int], str], headers: dict[str, str]) -> Request:
    async def make(session: aiohttp.ClientSession, worker: int, sequence: int) -> int:
        async with session.get(url_of(worker, sequence), headers=headers) as response:
            await response.read()
            return response.status
    return make


def threaded_get_rate(url: str, headers: dict[str, str], concurrency: int, seconds: float) -> float:
    """The same closed loop with threads and requests.Session (to compare the two clients)."""
    import threading

    stop = threading.Event()
    counts = [0] * concurrency

    def worker(index: int) -> None:
        with requests.Session() as http:
            while not stop.is_set():
                if http.get(url, headers=headers, timeout=30).status_code == 200:
                    counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    time.sleep(BUDGET.warmup)
    before = sum(counts)
    began = time.perf_counter()
    time.sleep(seconds)
    done = sum(counts) - before
    elapsed = time.perf_counter() - began
    stop.set()
    for thread in threads:
        thread.join(10)
    return done / elapsed
