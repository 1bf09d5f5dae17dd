"""Idempotency-Key on POST: a retried request gets the first response, and runs nothing.

- Keys are scoped per caller (the user; the client IP for anonymous calls),
  so one user's key never answers another's request.
- The request is fingerprinted (method, path, query, content type and the
  canonical JSON body; for uploads the form fields and the file's sha256). The
  same key with another request is 422.
- Only successful (2xx) responses are kept, for ``MEDISYNC_IDEMPOTENCY_TTL_S``
  (24 h). A refused or failed request did nothing, so its key is released and
  may be retried. A retry that arrives while the first is still running is
  409 with Retry-After.
- Stored responses carry PHI and tokens: the body is encrypted (AES-GCM) with
  a key derived from the server secret *and* the client's Idempotency-Key,
  which is itself stored only as an HMAC. Nothing here is logged.

JSON requests are handled entirely by the middleware. Multipart uploads are
streamed by their handler, so the handler calls ``claim_upload`` once the
file is spooled (the fingerprint needs its content).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from medisync.adapters.postgres.idempotency_store import (IN_PROGRESS, MISMATCH, OWNED,
                                                          PostgresIdempotencyStore)
from medisync.application.errors import UnprocessableError
from medisync.interface.http.errors import Accepted, ApiError, to_response
from medisync.interface.http.keys import CONTAINER, PRINCIPAL, REQUEST_ID
from medisync.interface.http.middleware import Handler

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
REPLAYED_HEADERS = ("Content-Type", "ETag", "Location")
IDEMPOTENCY_STORE: web.AppKey[Any] = web.AppKey("idempotency_store", object)
IDEMPOTENCY: web.RequestKey[Any] = web.RequestKey("idempotency", object)


class Replay(Exception):
    """Raised by ``claim_upload`` to short-circuit a handler with the stored response."""

    def __init__(self, response: web.Response) -> None:
        super().__init__("idempotent replay")
        self.response = response


@dataclass
class Guard:
    store: PostgresIdempotencyStore
    secret: bytes
    scope: str
    key: str
    key_id: str
    owned: bool = False

    def fingerprint(self, *parts: bytes) -> str:
        return hmac.new(self.secret, b"\0".join(parts), hashlib.sha256).hexdigest()

    def _cipher(self) -> AESGCM:
        return AESGCM(hmac.new(self.secret, b"body\0" + self.scope.encode() + b"\0" + self.key.encode(),
                               hashlib.sha256).digest())

    def seal(self, body: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._cipher().encrypt(nonce, body, self.key_id.encode())

    def open(self, sealed: bytes) -> bytes:
        return self._cipher().decrypt(sealed[:12], sealed[12:], self.key_id.encode())


def secret_from_signing_key(key: Any) -> bytes:
    """A server secret every API process shares: derived from the JWT signing key."""
    private = key.as_dict(private=True)["d"]
    raw = base64.urlsafe_b64decode(private + "=" * (-len(private) % 4))
    return hmac.new(raw, b"medisync idempotency v1", hashlib.sha256).digest()


def setup(app: web.Application, store: PostgresIdempotencyStore, secret: bytes) -> None:
    app[IDEMPOTENCY_STORE] = (store, secret)


@web.middleware
async def idempotency_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    key = request.headers.get(HEADER)
    if (request.method != "POST" or key is None or IDEMPOTENCY_STORE not in request.app
            or request.match_info.http_exception is not None):
        return await handler(request)
    guard = _guard(request, key)
    request[IDEMPOTENCY] = guard
    try:
        if request.content_type != "multipart/form-data":
            await _claim(guard, guard.fingerprint(*_describe(request), await _json_body(request)))
        response = await handler(request)
    except Replay as replay:
        return replay.response
    except Accepted as accepted:  # recorded (202): a retry must replay it, not run it again
        response = to_response(accepted, request[REQUEST_ID])
    except BaseException:
        await _release(guard)
        raise
    await _finish(guard, response)
    return response


async def claim_upload(request: web.Request, upload: Any) -> None:
    """For multipart handlers: claim the key once the file is spooled (no-op without a key)."""
    guard: Guard | None = request.get(IDEMPOTENCY)
    if guard is None:
        return
    digest = upload.file.sha256.encode()  # taken while it was spooled: the file is not read again (D56)
    fields = json.dumps(upload.fields, sort_keys=True, ensure_ascii=False).encode()
    try:
        await _claim(guard, guard.fingerprint(*_describe(request, with_type=False), fields, digest))
    except BaseException:
        upload.discard()
        raise


def _guard(request: web.Request, key: str) -> Guard:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise ApiError(400, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters",
                       code="validation_error", details={"fields": {HEADER: ["Invalid value."]}})
    store, secret = request.app[IDEMPOTENCY_STORE]
    principal = request.get(PRINCIPAL)
    scope = f"user:{principal.user_id}" if principal else f"ip:{request.remote or 'unknown'}"
    key_id = hmac.new(secret, b"id\0" + scope.encode() + b"\0" + key.encode(), hashlib.sha256).hexdigest()
    return Guard(store, secret, scope, key, key_id)


def _describe(request: web.Request, with_type: bool = True) -> tuple[bytes, ...]:
    parts = (request.method, request.path, request.query_string,
             request.content_type if with_type else "multipart")
    return tuple(part.encode() for part in parts)


async def _json_body(request: web.Request) -> bytes:
    limit = request.app[CONTAINER].settings.max_json_bytes
    if request.content_length and request.content_length > limit:
        raise ApiError(413, f"JSON body larger than {limit} bytes")
    return _canonical(await request.read())


def _canonical(raw: bytes) -> bytes:
    """Equal JSON documents fingerprint equally, whatever their key order or spacing."""
    try:
        return json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        return raw


async def _claim(guard: Guard, fingerprint: str) -> None:
    claim = await _in_thread(guard.store.claim, guard.key_id, fingerprint)
    if claim.outcome == OWNED:
        guard.owned = True
    elif claim.outcome == MISMATCH:
        raise UnprocessableError(f"this {HEADER} was used for a different request")
    elif claim.outcome == IN_PROGRESS:
        raise ApiError(409, f"a request with this {HEADER} is still in progress; retry later",
                       code="idempotency_key_in_use", details={"retry_after": 1})
    else:
        headers = {**claim.headers, "Idempotent-Replayed": "true"}
        raise Replay(web.Response(status=claim.status, body=guard.open(claim.body), headers=headers))


async def _finish(guard: Guard, response: web.StreamResponse) -> None:
    if not guard.owned:
        return
    body = getattr(response, "body", None)
    if 200 <= response.status < 300 and isinstance(response, web.Response) \
            and isinstance(body, (bytes, type(None))):
        headers = {name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers}
        await _in_thread(guard.store.complete, guard.key_id, response.status, headers,
                         guard.seal(body or b""))
    else:
        await _release(guard)


async def _release(guard: Guard) -> None:
    if guard.owned:
        guard.owned = False
        await _in_thread(guard.store.release, guard.key_id)


async def _in_thread(function: Any, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)
