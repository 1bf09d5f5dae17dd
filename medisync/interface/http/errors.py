"""Map exceptions to statuses and error envelopes. Nothing internal leaks."""

from __future__ import annotations

import logging
import traceback
from typing import Any

import marshmallow
import psycopg
import psycopg_pool
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from eventsourcing import persistence

from medisync.adapters.blobs import BlobStorageError
from medisync.application.errors import (AuthenticationError, PayloadError, TooManyAttemptsError,
                                         UnprocessableError)
from medisync.domain.errors import (ConflictError, DomainError, ForbiddenError,
                                    InvalidTransitionError, NotFoundError, ValidationError)
from medisync.interface.http.envelope import failure, success

log = logging.getLogger("medisync.http")

STATUS_OF: list[tuple[type[DomainError], int]] = [
    (ValidationError, 400), (PayloadError, 400), (AuthenticationError, 401),
    (ForbiddenError, 403), (NotFoundError, 404), (ConflictError, 409),
    (InvalidTransitionError, 409), (UnprocessableError, 422), (TooManyAttemptsError, 429),
]

# The database is unreachable: psycopg's own errors, and eventsourcing's wrappers of them.
DATABASE_DOWN = (psycopg.OperationalError, psycopg_pool.PoolTimeout, persistence.OperationalError,
                 persistence.InterfaceError, persistence.ConnectionUnavailableError)

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 412: "precondition_failed",
              413: "payload_too_large", 415: "unsupported_media_type", 422: "unprocessable",
              429: "too_many_requests"}


class ApiError(Exception):
    """An HTTP-level refusal raised by the interface itself (413, 415, 412...)."""

    def __init__(self, status: int, message: str, code: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or HTTP_CODES.get(status, "error")
        self.details = details or {}


class Accepted(Exception):
    """A command is recorded, but the read models did not show it within the bound (202)."""

    def __init__(self, resource_id: str) -> None:
        super().__init__("accepted")
        self.resource_id = resource_id


def to_response(error: BaseException, request_id: str) -> web.Response:
    if isinstance(error, Accepted):
        return success({"id": error.resource_id, "status": "accepted"}, 202,
                       meta={"consistency": "recorded; not yet visible to reads, retry the GET shortly"})
    if isinstance(error, ApiError):
        return failure(error.status, error.code, error.message, request_id, error.details)
    if isinstance(error, marshmallow.ValidationError):
        return failure(400, "validation_error", "the request is invalid", request_id,
                       {"fields": error.normalized_messages()})
    if isinstance(error, DomainError):
        return _domain_failure(error, request_id)
    if isinstance(error, web.HTTPException):
        # RFC 9110 15.5.6: a 405 lists the methods the resource has
        allow = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else None
        return failure(error.status, HTTP_CODES.get(error.status, "error"), error.reason, request_id,
                       headers=allow)
    if isinstance(error, BlobStorageError):
        return failure(507, "insufficient_storage", "the file could not be stored", request_id)
    if isinstance(error, HttpProcessingError):  # e.g. a malformed multipart part header
        return failure(400, "bad_request", "the request is malformed", request_id)
    if isinstance(error, DATABASE_DOWN):
        log.error("database unavailable", extra={"request_id": request_id})
        return failure(503, "service_unavailable", "the database is unavailable; retry later",
                       request_id, headers={"Retry-After": "5"})
    # Log the type and where it happened, not the message: messages can echo PHI.
    where = "".join(traceback.format_tb(error.__traceback__)[-3:])
    log.error("unhandled %s\n%s", type(error).__name__, where, extra={"request_id": request_id})
    return failure(500, "internal_error", "an internal error occurred", request_id)


def _domain_failure(error: DomainError, request_id: str) -> web.Response:
    status = next((code for kind, code in STATUS_OF if isinstance(error, kind)), 400)
    details = {k: v for k, v in error.details.items() if k != "retry_after"}
    headers = {}
    if isinstance(error, TooManyAttemptsError):
        headers["Retry-After"] = str(error.retry_after)
        details["retry_after"] = error.retry_after
    if isinstance(error, AuthenticationError):
        headers["WWW-Authenticate"] = bearer_challenge(error)
    return failure(status, error.code, error.message, request_id, details, headers)


def bearer_challenge(error: AuthenticationError) -> str:
    """RFC 6750 section 3: no error code when no token was presented; ``invalid_token`` with
    a description (printable ASCII, no quotes or backslashes) for a refused one."""
    challenge = 'Bearer realm="medisync"'
    if error.bearer_error:
        description = "".join(c for c in error.message if " " <= c <= "~" and c not in '"\\')
        challenge += f', error="{error.bearer_error}", error_description="{description}"'
    return challenge
