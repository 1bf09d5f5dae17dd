"""The application services on a test server's database, for tests that append
events directly (same master key as the server, their own JWT key and data dir), or on
a fresh database of a test's own (``env_for``, on ``processes.fresh_database``), with the records
they start from."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import psycopg

from medisync.application.principal import Principal
from medisync.interface.bootstrap import Container, bootstrap
from medisync.interface.settings import Settings


@contextmanager
def services_on(database_url: str, data_dir: Path) -> Iterator[Container]:
    env = {**os.environ, "MEDISYNC_DATABASE_URL": database_url, "MEDISYNC_ML_ENABLED": "false",
           "MEDISYNC_DATA_DIR": str(data_dir), "MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_DB_POOL_SIZE": "2"}
    built = bootstrap(Settings.from_env(env))
    try:
        yield built
    finally:
        built.close()


def projected(container: Container, notification_id: int, within_s: float = 120.0) -> bool:
    """Wait until every projection has passed ``notification_id``: the product's bounded wait, repeated
    up to ``within_s``, so a test does not fail because a loaded machine projects slower than 3 s."""
    import time

    deadline = time.monotonic() + within_s
    while not container.wait_for_projections(notification_id):
        if time.monotonic() >= deadline:
            return False
    return True


def env_for(url: str, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "MEDISYNC_DATABASE_URL": url, "MEDISYNC_DATA_DIR": str(data_dir),
            "MEDISYNC_ML_ENABLED": "false", "MEDISYNC_ARGON2_MEMORY_KIB": "1024",
            "MEDISYNC_KAFKA_BOOTSTRAP": "", "MEDISYNC_LOG_FORMAT": "text", "MEDISYNC_DB_POOL_SIZE": "2"}


def populate(container: Container) -> tuple[Principal, str]:
    admin = container.identity.register_practice(
        "chain-admin@example.test", "correct-horse-9", "Chain Admin", "Chain Clinic", "req-chain-0001")
    user = container.app.repository.get(uuid.UUID(admin.id))
    principal = Principal(admin.id, str(user.practice_id), "admin", "standard", "req-chain-0002")
    patient = container.patients.register(principal, {
        "mrn": "MRN-CHAIN-1", "first_name": "Imelda", "last_name": "Chainworth",
        "date_of_birth": "1950-01-02", "sex": "female"})
    container.patients.update_demographics(principal, patient.id, {"phone": "+1-555-0199"})
    return principal, patient.id


def register_patient(container: Container, principal: Any, last_name: str) -> tuple[str, int]:
    """(patient id, notification id of its Patient.Registered)."""
    result = container.patients.register(principal, {
        "mrn": f"MRN-{uuid.uuid4().hex[:6]}", "first_name": "Pia", "last_name": last_name,
        "date_of_birth": "1970-01-01", "sex": "female"})
    table = container.app.recorder.events_table_name
    with psycopg.connect(container.database_url) as conn:
        row = conn.execute(f"SELECT notification_id FROM {table} WHERE originator_id = %s "
                           "AND originator_version = 1", (result.id,)).fetchone()
    assert row is not None and result.notification_id is not None and row[0] <= result.notification_id
    return result.id, int(row[0])


def access_entries(principal: Principal, patient_id: str, count: int) -> list[dict[str, Any]]:
    return [{"at": datetime.now(timezone.utc), "user_id": principal.user_id,
             "practice_id": principal.practice_id, "role": "admin", "action": "read",
             "resource_type": "patient", "resource_id": patient_id, "patient_id": patient_id,
             "method": "GET", "route": "/api/v1/patients/{patient_id}", "status": 200,
             "client_ip": "127.0.0.1", "user_agent": "pytest", "request_id": f"req-{i:04d}"}
            for i in range(count)]
