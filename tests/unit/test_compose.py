"""The container deployment stays true to the code: docker-compose.yml, the Dockerfile
and .dockerignore are checked against the CLI, Settings, setup.py and the HTTP routes;
docs/events.md is checked against the integration-event mappings it documents.

Docker is not needed: the files are parsed, not run.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import uuid
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml

from medisync.interface.cli import build_parser
from medisync.interface.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
SETUP = ROOT / "setup.py"
EVENTS_DOC = ROOT / "docs" / "events.md"

# service → the medisync subcommand it must run
PROCESSES = {"api": "serve", "relay": "relay", "projector": "project", "worker": "worker",
             "analytics": "analytics"}
REQUIRED = {"postgres", "kafka", *PROCESSES}
SETTINGS_VARS = {f"MEDISYNC_{f.name.upper()}" for f in fields(Settings)}
# MEDISYNC_* variables read outside Settings, by module: allowed in the Dockerfile only.
READ_ELSEWHERE = {"MEDISYNC_MODEL_CACHE": ROOT / "medisync" / "ml" / "model_cache.py"}


# ----------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:  # argparse exposes subparsers only through its actions
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("medisync's parser has no subcommands")


def parses(argv: list[str]) -> bool:
    try:
        build_parser().parse_args(argv)
    except SystemExit:
        return False
    return True


def as_argv(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
            for key, value in env.items()}


def depends_on(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: {"condition": "service_started"} for name in deps}
    return deps


def built_here(service: dict[str, Any]) -> bool:
    build = service.get("build")
    if build is None:
        return False
    context, dockerfile = (build, "Dockerfile") if isinstance(build, str) else \
        (build.get("context", "."), build.get("dockerfile", "Dockerfile"))
    return (ROOT / context).resolve() == ROOT and (ROOT / context / dockerfile).resolve() == DOCKERFILE


def volume_mounts(service: dict[str, Any]) -> dict[str, str]:
    """target → source, for short (src:dst[:mode]) and long syntax."""
    mounts = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        mounts[target] = source
    return mounts


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = (pending + stripped).strip()
        pending = ""
        if full:
            keyword, _, rest = full.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def dockerfile(keyword: str) -> list[str]:
    return [rest for kw, rest in dockerfile_instructions() if kw == keyword]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for rest in dockerfile("ENV"):
        for token in shlex.split(rest):
            key, sep, value = token.partition("=")
            assert sep, f"use the ENV KEY=VALUE form: {rest!r}"
            env[key] = value
    return env


def exec_form(keyword: str) -> list[str]:
    values = dockerfile(keyword)
    assert len(values) == 1, f"exactly one {keyword} expected, found {len(values)}"
    parsed = json.loads(values[0])
    assert isinstance(parsed, list) and all(isinstance(part, str) for part in parsed), \
        f"{keyword} must use the exec (JSON array) form"
    return parsed


# ----------------------------------------------------------------------------- compose

def test_compose_spec_shape(compose: dict[str, Any]) -> None:
    assert "version" not in compose, "the Compose spec has no top-level version key"
    assert REQUIRED <= set(compose["services"]), f"missing: {REQUIRED - set(compose['services'])}"


def test_each_process_runs_its_medisync_subcommand(services: dict[str, Any]) -> None:
    known = subcommands()
    built = {name: service for name, service in services.items() if built_here(service)}
    assert set(PROCESSES) <= set(built), "every MediSync process is built from this Dockerfile"
    for name, service in built.items():
        assert "command" in service, f"{name}: no command"
        argv = as_argv(service["command"])
        assert argv and argv[0] in known, f"{name}: {argv[:1]} is not a medisync subcommand ({sorted(known)})"
        assert parses(argv), f"{name}: `medisync {' '.join(argv)}` does not parse"
        if name in PROCESSES:
            assert argv[0] == PROCESSES[name], f"{name} must run `medisync {PROCESSES[name]}`"


def test_api_listens_on_all_interfaces_and_is_published(services: dict[str, Any]) -> None:
    api = services["api"]
    args = build_parser().parse_args(as_argv(api["command"]))
    assert args.host == "0.0.0.0"
    port = args.port or Settings.from_env(environment(api)).port
    published = [str(p) for p in api.get("ports", [])]
    assert any(p.rsplit(":", 1)[-1] == str(port) and p.count(":") >= 1 for p in published), published


def test_depends_on_targets_exist_and_can_become_healthy(services: dict[str, Any]) -> None:
    for name, service in services.items():
        for target, spec in depends_on(service).items():
            assert target in services, f"{name} depends on unknown service {target}"
            assert target != name
            condition = spec.get("condition", "service_started")
            assert condition in ("service_started", "service_healthy", "service_completed_successfully")
            if condition == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}, which has no healthcheck"


def test_processes_wait_for_healthy_backing_services(services: dict[str, Any]) -> None:
    for name in PROCESSES:
        deps = depends_on(services[name])
        assert deps.get("postgres", {}).get("condition") == "service_healthy", name
        settings = Settings.from_env(environment(services[name]))
        if name != "api":
            assert settings.kafka_bootstrap, f"{name} needs MEDISYNC_KAFKA_BOOTSTRAP"
        if name in ("relay", "worker", "analytics"):
            assert deps.get("kafka", {}).get("condition") == "service_healthy", name


def test_every_medisync_variable_is_a_settings_field(services: dict[str, Any]) -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    mentioned = set(re.findall(r"\bMEDISYNC_[A-Z0-9_]+", text))
    assert mentioned, "compose sets no MEDISYNC_* variable"
    assert mentioned <= SETTINGS_VARS, f"not Settings fields: {sorted(mentioned - SETTINGS_VARS)}"
    for name, service in services.items():
        env = environment(service)
        unknown = {key for key in env if key.startswith("MEDISYNC_")} - SETTINGS_VARS
        assert not unknown, f"{name}: {sorted(unknown)}"
        Settings.from_env(env)  # every value parses to its field's type


def test_processes_share_the_database_and_broker(services: dict[str, Any]) -> None:
    for name in PROCESSES:
        settings = Settings.from_env(environment(services[name]))
        assert settings.database_url, name
        assert re.match(r"postgres(ql)?://[^@]+@postgres:5432/", settings.database_url), settings.database_url
        assert settings.kafka_bootstrap == "kafka:9092", name
    kafka_env = environment(services["kafka"])
    assert "PLAINTEXT://kafka:9092" in kafka_env["KAFKA_ADVERTISED_LISTENERS"].split(",")


def test_projections_and_ml_run_in_their_own_services(services: dict[str, Any]) -> None:
    api = Settings.from_env(environment(services["api"]))
    assert api.run_projections is False, "the projector service runs the projections"
    # With a broker configured the API never runs the ML worker in-process.
    assert not (api.run_worker and not api.kafka_bootstrap)


def test_blobs_are_shared_by_api_and_worker(compose: dict[str, Any], services: dict[str, Any]) -> None:
    sources = []
    for name in ("api", "worker"):
        settings = Settings.from_env(environment(services[name]))
        mounts = volume_mounts(services[name])
        assert settings.blob_dir in mounts, f"{name}: nothing mounted at {settings.blob_dir}"
        sources.append(mounts[settings.blob_dir])
    assert sources[0] == sources[1] and sources[0] in (compose.get("volumes") or {})


def test_named_volumes_are_declared(compose: dict[str, Any], services: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    for name, service in services.items():
        for source in volume_mounts(service).values():
            if source and not source.startswith((".", "/", "~", "$")):
                assert source in declared, f"{name}: volume {source} is not declared"


def test_postgres(services: dict[str, Any]) -> None:
    postgres = services["postgres"]
    assert str(postgres["image"]).startswith("postgres:18")
    assert "pg_isready" in json.dumps(postgres["healthcheck"]["test"])
    # From 18 on, the image keeps PGDATA in /var/lib/postgresql/<major>/docker; mount the parent.
    assert "/var/lib/postgresql" in volume_mounts(postgres)
    env = environment(postgres)
    url = Settings.from_env(environment(services["api"])).database_url or ""
    assert f"{env['POSTGRES_USER']}:{env['POSTGRES_PASSWORD']}@" in url and url.endswith("/" + env["POSTGRES_DB"])


def test_kafka_single_node_kraft(services: dict[str, Any]) -> None:
    kafka = services["kafka"]
    assert str(kafka["image"]).startswith("apache/kafka")
    env = environment(kafka)
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", "the relay creates topics with their partitions"
    node = env["KAFKA_NODE_ID"]
    voters = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")
    assert len(voters) == 1 and voters[0].startswith(f"{node}@")
    listeners = dict(part.split("://", 1) for part in env["KAFKA_LISTENERS"].split(","))
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert controller in listeners and voters[0].endswith(":" + listeners[controller].rsplit(":", 1)[-1])
    assert listeners["PLAINTEXT"].endswith(":9092")
    protocol_map = dict(part.split(":") for part in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(listeners) <= set(protocol_map)
    for key in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_DEFAULT_REPLICATION_FACTOR"):
        assert env[key] == "1", key
    healthcheck = json.dumps(kafka["healthcheck"]["test"])
    assert "/opt/kafka/bin/kafka-topics.sh --bootstrap-server localhost:9092 --list" in healthcheck
    assert env["KAFKA_LOG_DIRS"] in volume_mounts(kafka)


def test_api_healthcheck_hits_the_health_route(services: dict[str, Any]) -> None:
    from medisync.interface.http.routes.service import routes

    test = services["api"]["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "python" and test[2] == "-c", "python, no curl in the image"
    assert "urllib" in test[3]
    path = re.search(r"https?://[^/'\"]+(/[^'\"]*)", test[3]).group(1)
    assert path == "/api/v1/health"
    assert any(getattr(route, "method", "") == "GET" and getattr(route, "path", "") == path for route in routes)
    compile(test[3], "<healthcheck>", "exec")


# ----------------------------------------------------------------------------- image

def test_entrypoint_is_the_declared_console_script() -> None:
    scripts = re.findall(r"['\"]\s*([\w.-]+)\s*=\s*([\w.]+):(\w+)\s*['\"]", SETUP.read_text(encoding="utf-8"))
    assert ("medisync", "medisync.interface.cli", "main") in scripts
    entrypoint = exec_form("ENTRYPOINT")
    assert entrypoint == ["medisync"]
    from medisync.interface import cli

    assert callable(cli.main)
    cmd = exec_form("CMD")
    assert cmd[0] in subcommands() and parses(cmd), cmd


def test_image_base_user_install_and_models() -> None:
    assert dockerfile("FROM") == ["python:3.11-slim"]
    users = dockerfile("USER")
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the image must run as a non-root user"
    runs = dockerfile("RUN")
    assert any(re.search(r"pip install [^&]*\[ml\]", run) for run in runs), "pip install .[ml]"
    model_runs = [i for i, (kw, rest) in enumerate(dockerfile_instructions())
                  if kw == "RUN" and "python -m medisync.ml.model_cache" in rest]
    user_at = [i for i, (kw, _) in enumerate(dockerfile_instructions()) if kw == "USER"]
    assert model_runs and user_at and model_runs[0] > user_at[-1], \
        "assemble the models as the runtime user, so the cache is theirs"


def test_dockerfile_environment_is_known() -> None:
    env = dockerfile_env()
    for key in env:
        if key.startswith("MEDISYNC_") and key not in SETTINGS_VARS:
            source = READ_ELSEWHERE.get(key)
            assert source and key in source.read_text(encoding="utf-8"), f"{key} is read by nothing"
    assert env.get("MEDISYNC_DATA_DIR") == "/data"
    Settings.from_env({k: v for k, v in env.items() if k in SETTINGS_VARS})


def test_dockerignore_keeps_the_context_small() -> None:
    patterns = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")}
    assert {".venv", "var", ".git"} <= patterns
    assert any(p.startswith("tests/fixtures") and p.endswith(".wav") for p in patterns)
    copied = [rest.split()[0] for rest in dockerfile("COPY")]
    assert all(not any(src == p or src.startswith(p + "/") for p in patterns) for src in copied)


# ----------------------------------------------------------------------------- docs/events.md

class _Probe:
    """Stands in for a domain event: every attribute is an empty dict-like value."""

    def __getattr__(self, name: str) -> Any:
        return {}


def _documented_types() -> dict[str, tuple[str, set[str]]]:
    """type → (topic, data fields) from the per-topic tables of docs/events.md."""
    documented: dict[str, tuple[str, set[str]]] = {}
    topic = ""
    for line in EVENTS_DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#{2,4}\s+`(medisync\.[a-z0-9_.]+)`", line)
        if heading:
            topic = heading.group(1)
            continue
        row = re.match(r"^\|\s*`([a-z0-9_]+\.[a-z0-9_]+)`\s*\|([^|]*)\|", line)
        if row and topic:
            assert row.group(1) not in documented, f"{row.group(1)} documented twice"
            documented[row.group(1)] = (topic, set(re.findall(r"`([a-z0-9_]+)`", row.group(2))))
    return documented


def test_events_doc_lists_exactly_what_goes_out() -> None:
    from medisync.application.integration_events import MAPPINGS, TOPICS

    expected = {event_type: (topic, set(take(_Probe())))
                for topic, event_type, take in MAPPINGS.values()}
    assert _documented_types() == expected
    text = EVENTS_DOC.read_text(encoding="utf-8")
    for topic, partitions in TOPICS.items():
        assert re.search(rf"`{re.escape(topic)}`\s*\|\s*{partitions}\s*\|", text), \
            f"{topic}: partition count {partitions} not in the topics table"


def test_events_doc_describes_every_envelope_field() -> None:
    from medisync.application.integration_events import event_id, to_envelope
    from medisync.domain.practice import Practice

    practice_id = str(uuid.uuid4())
    practice = Practice(practice_id=practice_id, name="Envelope Clinic",
                        actor={"user_id": str(uuid.uuid4()), "practice_id": practice_id, "request_id": ""})
    topic, envelope = to_envelope(practice.collect_events()[0])
    assert topic == "medisync.user.v1" and "Envelope Clinic" not in json.dumps(envelope)
    assert envelope["event_id"] == event_id(practice.id, 1)
    text = EVENTS_DOC.read_text(encoding="utf-8")
    for key in envelope:
        assert re.search(rf"^\|\s*`{key}`\s*\|", text, re.MULTILINE), f"envelope field {key} is not documented"
