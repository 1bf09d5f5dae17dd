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
import tomllib
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import CHECKS as CHECKS_REGISTRY
from schemathesis.checks import load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode, overrides

from tests.support.api import register_practice
from tests.support.processes import fresh_database
from tests.support.server import ServerProcess

EXAMPLES = int(os.environ.get("MEDISYNC_FUZZ_EXAMPLES", "8"))
load_all_checks()
# Every check schemathesis has (its `--checks all`): conformance of statuses, media types, headers
# and bodies, negative data refused, positive data accepted, 405 with Allow, auth not ignored (D45).
CHECKS = list(CHECKS_REGISTRY.get_all())
# Where a check cannot hold as it stands, and why: bench/schemathesis.toml, which `make fuzz` (the
# schemathesis CLI, D61) reads too. The fixed headers and values of single operations belong to
# that run's seeded practice: this test makes a practice per operation and leaves them out.
CONFIG = Path(__file__).resolve().parents[2] / "bench" / "schemathesis.toml"


def check_settings() -> SchemathesisConfig:
    data = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    for entry in data.get("operations", []):
        entry.pop("headers", None)
        entry.pop("parameters", None)
    data["operations"] = [e for e in data.get("operations", []) if set(e) - {"include-name"}]
    return SchemathesisConfig.from_dict(data)


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
    schema = schemathesis.openapi.from_url(f"{fuzz_server.api}/openapi.json", config=check_settings(), timeout=30)
    # The test sends a real admin token on every request, replacing any generated Authorization
    # header: a mutated token would never reach the server, and the unchanged request would be
    # reported as invalid data accepted. Refusals of bad tokens are tested in test_jwt.py.
    schema.config.generation.update(with_security_parameters=False)
    return schema


def _admin_headers(server: ServerProcess) -> dict[str, str]:
    """A fresh admin per operation: a fuzzed logout or deactivation ends only its own session."""
    return register_practice(server.api, "fuzz").headers


def _fuzz(operation: Any, mode: GenerationMode, server: ServerProcess) -> None:
    headers = _admin_headers(server)

    # The configuration's fixed values (X-Consistency-Token 1), as the CLI applies them.
    fixed = overrides.for_operation(operation.schema.config, operation=operation).as_strategy_kwargs()

    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def run(case: schemathesis.Case) -> None:
        with requests.Session() as session:
            case.call_and_validate(base_url=server.base, session=session, headers=headers,
                                   checks=CHECKS, timeout=60)

    run()


def test_every_operation(api_schema: schemathesis.BaseSchema, fuzz_server: ServerProcess) -> None:
    """schemathesis's own pytest plugin does not run under pytest 9, so hypothesis drives it here."""
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 40
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, fuzz_server)
            except Unsatisfiable:
                # No parameter, no body and no token (health, FHIR metadata): nothing can be made
                # invalid, so there is no negative case to send.
                if mode is not GenerationMode.NEGATIVE:
                    failures.append(f"{operation.label} [{mode.value}]: no valid case can be generated")
            except (Exception, FailureGroup) as failure:  # noqa: BLE001 - collect them all, report at the end
                failures.append(f"{operation.label} [{mode.value}]: {failure}"[:1500])
    assert failures == [], "\n\n".join(failures)


def test_the_document_itself(fuzz_server: ServerProcess) -> None:
    spec = requests.get(f"{fuzz_server.api}/openapi.json", timeout=30).json()
    operations = [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 40
    for path, method, operation in operations:
        assert method in ("get", "post", "patch", "put", "delete"), (path, method)
        assert "default" in operation["responses"] and "produces" not in operation, (path, method)
        assert any(code.startswith("2") for code in operation["responses"]), (path, method)
