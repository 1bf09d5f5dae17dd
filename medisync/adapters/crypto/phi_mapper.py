"""PhiEncryptingMapper: the event store never holds PHI in plaintext.

Before an event is stored, its ``phi`` field is replaced by AES-256-GCM
ciphertext under the data key of the patient the event is about (the key id
is stored beside it; the event's id and version are the associated data, so
ciphertext cannot be moved to another event). Loading decrypts; once the
patient's key is destroyed, ``phi`` reads as ``{"erased": True}``.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent

from medisync.adapters.crypto.keyring import PostgresPatientKeyring

ENVELOPE = "__phi_aes_gcm__"
ERASED: dict[str, Any] = {"erased": True}
PATIENT_TOPIC_PREFIX = "medisync.domain.patient:Patient."


def _aad(originator_id: Any, version: int) -> bytes:
    return f"{originator_id}:{version}".encode()


class PhiEncryptingMapper(Mapper[Any]):
    keyring: PostgresPatientKeyring | None = None  # set by the composition root

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        phi = getattr(domain_event, "phi", None)
        if not phi or self.keyring is None:
            return super().to_stored_event(domain_event)
        subject = _subject(domain_event)
        kid, key = self.keyring.key_for(subject)
        nonce = os.urandom(12)
        plaintext = json.dumps(phi, separators=(",", ":"), sort_keys=True).encode()
        aad = _aad(domain_event.originator_id, domain_event.originator_version)
        sealed = {ENVELOPE: {"kid": kid, "nonce": _b64(nonce),
                             "ct": _b64(AESGCM(key).encrypt(nonce, plaintext, aad))}}
        clone = object.__new__(type(domain_event))
        object.__setattr__(clone, "__dict__", {**vars(domain_event), "phi": sealed})
        return super().to_stored_event(clone)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        domain_event = super().to_domain_event(stored_event)
        sealed = getattr(domain_event, "phi", None)
        if isinstance(sealed, dict) and ENVELOPE in sealed:
            aad = _aad(stored_event.originator_id, stored_event.originator_version)
            domain_event.__dict__["phi"] = self._open(sealed[ENVELOPE], aad)
        return domain_event

    def _open(self, sealed: dict[str, str], aad: bytes) -> dict[str, Any]:
        key = self.keyring.key(sealed["kid"]) if self.keyring else None
        if key is None:
            return dict(ERASED)
        try:
            plaintext = AESGCM(key).decrypt(_unb64(sealed["nonce"]), _unb64(sealed["ct"]), aad)
        except InvalidTag:
            raise ValueError("PHI ciphertext failed authentication") from None
        return json.loads(plaintext)


def _subject(domain_event: Any) -> str:
    """The patient the event is about: every PHI-bearing event names one."""
    topic = f"{type(domain_event).__module__}:{type(domain_event).__qualname__}"
    if topic.startswith(PATIENT_TOPIC_PREFIX):
        return str(domain_event.originator_id)
    patient_id = getattr(domain_event, "patient_id", None)
    if not patient_id:
        raise ValueError(f"{type(domain_event).__qualname__} carries PHI but names no patient")
    return str(patient_id)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)
