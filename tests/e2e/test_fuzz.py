"""Fuzzing with schemathesis: every operation of /api/v1/openapi.json, authenticated
as a practice admin, with generated valid and invalid inputs.

Each response must not be a 5xx and must match what the document promises: a
documented status, a documented media type and the documented schema (the
success and error envelopes). ``make test`` runs a bounded number of examples
per operation (``MEDISYNC_FUZZ_EXAMPLES``, default 8); ``make fuzz`` runs a
longer campaign.

The server is a dedicated one on its own database, with the rate limit and
login throttle raised so that the fuzzer's volume is not what it measures.
"""

from __future__ import annotations

import os
from typing import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tests.support.api import register_practice
from tests.support.processes import fresh_database
from tests.support.server import ServerProcess

EXAMPLES = int(os.environ.get("MEDISYNC_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
GENEROUS = "1000000/hour"


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[ServerProcess]:
    head, _, query = database_url.partition("?")
    server_url = head.rsplit("/", 1)[0] + "/postgres" + (f"?{query}" if query else "")
    process = ServerProcess(tmp_path_factory.mktemp("fuzz"), fresh_database(server_url), {
        "MEDISYNC_ML_ENABLED": "false", "MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_DB_POOL_SIZE": "4",
        "MEDISYNC_RATE_LIMIT_STANDARD": GENEROUS, "MEDISYNC_RATE_LIMIT_PREMIUM": GENEROUS,
        "MEDISYNC_RATE_LIMIT_ANONYMOUS": GENEROUS, "MEDISYNC_UPLOAD_LIMIT_STANDARD": GENEROUS,
        "MEDISYNC_LOGIN_MAX_FAILURES": "1000000"}).start()
    yield process
    process.stop()
    log = process.log_text()
    assert "unhandled" not in log, "the server logged an unhandled error while fuzzed"


@pytest.fixture(scope="module")
def api_schema(fuzz_server: ServerProcess) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{fuzz_server.api}/openapi.json", timeout=30)


@pytest.fixture
def auth(fuzz_server: ServerProcess) -> dict[str, str]:
    """A fresh admin per operation: a fuzzed logout or deactivation ends only its own session."""
    admin = register_practice(fuzz_server.api, "fuzz")
    return admin.headers


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation(case: schemathesis.Case, auth: dict[str, str], fuzz_server: ServerProcess) -> None:
    with requests.Session() as session:
        case.call_and_validate(base_url=fuzz_server.base, session=session, headers=auth, checks=CHECKS,
                               timeout=60)


def test_the_document_itself(fuzz_server: ServerProcess) -> None:
    spec = requests.get(f"{fuzz_server.api}/openapi.json", timeout=30).json()
    operations = [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 40
    for path, method, operation in operations:
        assert method in ("get", "post", "patch", "put", "delete"), (path, method)
        assert "default" in operation["responses"] and "produces" not in operation, (path, method)
        assert any(code.startswith("2") for code in operation["responses"]), (path, method)
