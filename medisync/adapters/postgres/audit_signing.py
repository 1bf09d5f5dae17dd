"""The audit checkpoint key: Ed25519 (``cryptography``), created once per data
directory as ``<data_dir>/keys/audit-ed25519.pem`` (PKCS#8, mode 0600).

The public half is published with the checkpoints so that anyone can check
them without access to the server.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def load_or_create_signing_key(path: str) -> Ed25519PrivateKey:
    key_file = Path(path)
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: use theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    loaded = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return loaded


class Ed25519CheckpointSigner:
    algorithm = "Ed25519"

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self.public_key: Ed25519PublicKey = key.public_key()
        raw = self.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.key_id = hashlib.sha256(raw).hexdigest()[:16]

    @classmethod
    def from_file(cls, path: str) -> "Ed25519CheckpointSigner":
        return cls(load_or_create_signing_key(path))

    @property
    def public_key_pem(self) -> str:
        return self.public_key.public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def sign(self, payload: bytes) -> str:
        return base64.b64encode(self._key.sign(payload)).decode()

    def verify(self, payload: bytes, signature: str) -> bool:
        return verify_signature(self.public_key_pem, payload, signature)


def verify_signature(public_key_pem: str, payload: bytes, signature: str) -> bool:
    """What a third party runs: the exported PEM, the payload text, the base64 signature."""
    key = serialization.load_pem_public_key(public_key_pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(base64.b64decode(signature), payload)
    except (InvalidSignature, ValueError):
        return False
    return True
