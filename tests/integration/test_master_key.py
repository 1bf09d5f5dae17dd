"""Every process on one database must hold the master key its data keys were
wrapped with; a process with another key refuses to start (real Postgres)."""

from __future__ import annotations

import uuid
from typing import Iterator

import psycopg
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from medisync.adapters.crypto.keyring import MasterKeyMismatchError, MasterKeyWrapper, PostgresPatientKeyring
from medisync.adapters.postgres.connection import datastore
from tests.support.processes import fresh_database


@pytest.fixture
def url(database_url: str) -> str:
    return fresh_database(database_url)


@pytest.fixture
def keyrings(url: str) -> Iterator[tuple[PostgresPatientKeyring, PostgresPatientKeyring]]:
    store = datastore(url, pool_size=1, max_overflow=1)
    right, wrong = (PostgresPatientKeyring(store, MasterKeyWrapper(AESGCM.generate_key(bit_length=256)))
                    for _ in range(2))
    yield right, wrong
    store.close()


def test_a_process_with_another_master_key_refuses_to_start(
        keyrings: tuple[PostgresPatientKeyring, PostgresPatientKeyring]) -> None:
    right, wrong = keyrings
    right.create_tables()
    subject = str(uuid.uuid4())
    kid, key = right.key_for(subject)
    with pytest.raises(MasterKeyMismatchError):
        wrong.create_tables()
    assert right.key(kid) == key


def test_keys_stored_before_the_probe_still_stop_a_wrong_key(
        keyrings: tuple[PostgresPatientKeyring, PostgresPatientKeyring], url: str) -> None:
    right, wrong = keyrings
    right.create_tables()
    kid, key = right.key_for(str(uuid.uuid4()))
    with psycopg.connect(url, autocommit=True) as conn:  # data from before the probe existed
        conn.execute("DELETE FROM crypto.master_key_check")
    with pytest.raises(MasterKeyMismatchError):
        wrong.create_tables()
    # The refused start wrote no probe of its own, so the right key still starts.
    right.create_tables()
    assert right.key(kid) == key
