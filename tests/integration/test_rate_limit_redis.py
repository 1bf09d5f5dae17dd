"""Rate limits shared through Redis by two API processes, with a shortened window.

Redis is Debian's ``redis-server``, installed (if missing) and started by
``deploy/local/redis.sh`` from this test; it listens on loopback only.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterator

import pytest
import redis
import requests

from tests.support.api import PASSWORD, Caller, FromAddress, assert_error, unique_email
from tests.support.processes import fresh_database
from tests.support.server import REPO, ServerProcess

LIMIT = 6


def _redis(action: str, data_dir: Path) -> str:
    env = {**os.environ, "MEDISYNC_DATA_DIR": str(data_dir)}
    done = subprocess.run([str(REPO / "deploy/local/redis.sh"), action], env=env, capture_output=True,
                          text=True, timeout=600, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def redis_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("redis")
    uri = _redis("start", data_dir)
    redis.Redis.from_url(uri).flushdb()  # counters of an earlier run must not count here
    yield uri
    _redis("stop", data_dir)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory, database_url: str, redis_uri: str
         ) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    head, _, query = database_url.partition("?")
    url = fresh_database(head.rsplit("/", 1)[0] + "/postgres" + (f"?{query}" if query else ""))
    keys = tmp_path_factory.mktemp("shared-keys")
    shared = {"MEDISYNC_RATE_LIMIT_STORAGE": redis_uri, "MEDISYNC_RATE_LIMIT_STANDARD": f"{LIMIT}/minute",
              "MEDISYNC_RATE_LIMIT_ANONYMOUS": f"{LIMIT}/minute", "MEDISYNC_JWT_KEY_FILE": str(keys / "jwt.json"),
              "MEDISYNC_ML_ENABLED": "false", "MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_DB_POOL_SIZE": "4"}
    first = ServerProcess(tmp_path_factory.mktemp("api-a"), url, shared).start()
    second = ServerProcess(tmp_path_factory.mktemp("api-b"), url, {
        **shared, "MEDISYNC_RUN_PROJECTIONS": "false", "MEDISYNC_RUN_WORKER": "false"}).start()
    yield first, second
    second.stop()
    first.stop()


def test_two_processes_share_one_users_budget(pair: tuple[ServerProcess, ServerProcess]) -> None:
    first, second = pair
    user, bystander = _user(first, "redis-a"), _user(first, "redis-b")
    remaining = []
    for index in range(LIMIT):
        server = (first, second)[index % 2]
        response = requests.get(f"{server.api}/auth/me", headers=user.headers, timeout=30)
        assert response.status_code == 200, response.text
        assert response.headers["X-RateLimit-Limit"] == str(LIMIT)
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
    assert remaining == list(range(LIMIT - 1, -1, -1))  # one budget, counted by both processes
    for server in (first, second):
        refused = requests.get(f"{server.api}/auth/me", headers=user.headers, timeout=30)
        error = assert_error(refused, 429, "too_many_requests")
        assert 1 <= int(refused.headers["Retry-After"]) <= 60 and error["details"]["retry_after"] >= 1
        assert int(refused.headers["X-RateLimit-Reset"]) > 0
    other = requests.get(f"{second.api}/auth/me", headers=bystander.headers, timeout=30)
    assert other.status_code == 200 and int(other.headers["X-RateLimit-Remaining"]) == LIMIT - 1


def test_anonymous_calls_share_one_budget_per_ip(pair: tuple[ServerProcess, ServerProcess]) -> None:
    first, second = pair
    with requests.Session() as client:
        client.mount("http://", FromAddress("127.0.61.5"))
        statuses = [client.get(f"{(first, second)[i % 2].api}/health", timeout=30).status_code
                    for i in range(LIMIT)]
        assert statuses == [200] * LIMIT
        assert_error(client.get(f"{first.api}/health", timeout=30), 429, "too_many_requests")
        assert_error(client.get(f"{second.api}/health", timeout=30), 429, "too_many_requests")
    with requests.Session() as neighbour:
        neighbour.mount("http://", FromAddress("127.0.61.6"))
        assert neighbour.get(f"{second.api}/health", timeout=30).status_code == 200


def _user(server: ServerProcess, label: str) -> Caller:
    """Signed up from an address of its own: 127.0.0.1's anonymous budget went on readiness probes."""
    body = {"email": unique_email(label), "password": PASSWORD, "full_name": "Redis User",
            "practice_name": "Redis Practice"}
    with requests.Session() as client:
        client.mount("http://", FromAddress(f"127.0.62.{next(_addresses)}"))
        response = client.post(f"{server.api}/auth/register", json=body, timeout=30)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    return Caller(server.api, data["access_token"], data["user"], data["refresh_token"])


_addresses = iter(range(1, 250))


