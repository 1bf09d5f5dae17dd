"""PostgresPatientKeyring: one AES-256 data key per patient, wrapped by a master key.

Destroying a patient's data key makes every PHI field encrypted under it
unreadable (crypto-shredding), while the events themselves, and so the hash
chain over them, stay intact. The master key comes from the settings (a key
file by default); a KMS adapter would implement the same ``wrap``/``unwrap``.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.postgres import PostgresDatastore

from medisync.adapters.postgres.ddl import apply_ddl
from medisync.domain.errors import NotFoundError

DDL = """
CREATE SCHEMA IF NOT EXISTS crypto;
CREATE TABLE IF NOT EXISTS crypto.patient_keys (
    subject_id uuid PRIMARY KEY, kid text NOT NULL UNIQUE, wrapped_key bytea,
    created_at timestamptz NOT NULL DEFAULT now(), destroyed_at timestamptz);
CREATE TABLE IF NOT EXISTS crypto.master_key_check (
    id integer PRIMARY KEY CHECK (id = 1), wrapped_probe bytea NOT NULL)
"""
PROBE_KID = "master-key-check"


class MasterKeyMismatchError(RuntimeError):
    """The configured master key is not the one this database's keys were wrapped with."""
CACHE_TTL_S = 30.0


def load_or_create_master_key(path: str) -> bytes:
    key_file = Path(path)
    if key_file.exists():
        return key_file.read_bytes()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = AESGCM.generate_key(bit_length=256)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


class MasterKeyWrapper:
    """Wraps data keys with AES-GCM under the master key (the KMS port's local adapter)."""

    def __init__(self, master_key: bytes) -> None:
        self._aead = AESGCM(master_key)

    def wrap(self, data_key: bytes, kid: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, data_key, kid.encode())

    def unwrap(self, wrapped: bytes, kid: str) -> bytes:
        return self._aead.decrypt(wrapped[:12], wrapped[12:], kid.encode())


class PostgresPatientKeyring:
    def __init__(self, datastore: PostgresDatastore, wrapper: MasterKeyWrapper) -> None:
        self.datastore = datastore
        self.wrapper = wrapper
        self._cache: dict[str, tuple[float, bytes | None]] = {}
        self._lock = threading.Lock()

    def create_tables(self) -> None:
        apply_ddl(self.datastore, DDL)
        self._check_master_key()

    def _check_master_key(self) -> None:
        """Refuse to start with the wrong master key, rather than fail on every read.

        The oldest and newest data keys are tried before the probe row is
        written, so keys stored before the probe existed (or under another
        key) stop the start instead of being sealed in by a fresh probe.
        """
        with self.datastore.transaction(commit=False) as cursor:
            for order in ("ASC", "DESC"):
                cursor.execute("SELECT kid, wrapped_key AS wrapped FROM crypto.patient_keys "
                               f"WHERE wrapped_key IS NOT NULL ORDER BY created_at {order} LIMIT 1")
                self._require_unwraps(cursor.fetchall())
        probe = self.wrapper.wrap(b"medisync", PROBE_KID)
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("INSERT INTO crypto.master_key_check VALUES (1, %s) ON CONFLICT DO NOTHING",
                           (probe,))
            cursor.execute("SELECT %s AS kid, wrapped_probe AS wrapped FROM crypto.master_key_check "
                           "WHERE id = 1", (PROBE_KID,))
            self._require_unwraps(cursor.fetchall())

    def _require_unwraps(self, rows: list[dict[str, object]]) -> None:
        try:
            for row in rows:
                self.wrapper.unwrap(bytes(row["wrapped"]), str(row["kid"]))  # type: ignore[arg-type]
        except InvalidTag:
            raise MasterKeyMismatchError(
                "MEDISYNC_MASTER_KEY_FILE does not hold the master key this database was "
                "encrypted with; every process on one database must share it") from None

    def key_for(self, subject_id: str) -> tuple[str, bytes]:
        """The subject's (kid, key), created on first use. Refuses an erased subject."""
        kid = f"pk-{subject_id}"
        cached = self._cached(kid)
        if cached is not None:
            return kid, cached
        data_key = AESGCM.generate_key(bit_length=256)
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("INSERT INTO crypto.patient_keys (subject_id, kid, wrapped_key) "
                           "VALUES (%s, %s, %s) ON CONFLICT (subject_id) DO NOTHING",
                           (subject_id, kid, self.wrapper.wrap(data_key, kid)))
        key = self.key(kid)
        if key is None:
            # The patient was erased: nothing new may be recorded about them.
            raise NotFoundError("patient not found")
        return kid, key

    def key(self, kid: str) -> bytes | None:
        """The data key, or None once destroyed."""
        cached = self._cached(kid)
        if cached is not None:
            return cached
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute("SELECT wrapped_key FROM crypto.patient_keys WHERE kid = %s", (kid,))
            row = cursor.fetchone()
        key = self.wrapper.unwrap(bytes(row["wrapped_key"]), kid) if row and row["wrapped_key"] else None
        with self._lock:
            self._cache[kid] = (time.monotonic(), key)
        return key

    def destroy(self, subject_id: str) -> None:
        kid = f"pk-{subject_id}"
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("INSERT INTO crypto.patient_keys (subject_id, kid, wrapped_key, destroyed_at) "
                           "VALUES (%s, %s, NULL, now()) ON CONFLICT (subject_id) DO UPDATE "
                           "SET wrapped_key = NULL, destroyed_at = now()", (subject_id, kid))
        with self._lock:
            self._cache[kid] = (time.monotonic(), None)

    def _cached(self, kid: str) -> bytes | None:
        # Other processes learn of a destroyed key within CACHE_TTL_S.
        with self._lock:
            entry = self._cache.get(kid)
        if entry and time.monotonic() - entry[0] < CACHE_TTL_S:
            return entry[1]
        return None
